using System.Net.WebSockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.WebUtilities;

namespace NerfEngine.Control.LiveIngest.Streams;

/// <summary>Why a WebSocket handshake failed, in the terms a caller can act on.</summary>
public enum LiveStreamFailure
{
    /// <summary>The endpoint answered HTTP, but not 101 Switching Protocols: it is not a WebSocket stream (or not at this path).</summary>
    NotAWebSocket,

    /// <summary>The endpoint refused the token (HTTP 401 or 403): retrying with the same token cannot help.</summary>
    Unauthorized,

    /// <summary>No answer: refused connection, unknown host, TLS failure or no handshake within the timeout; may pass later.</summary>
    Unreachable,
}

/// <summary>A failed WebSocket handshake with a message that names the endpoint and what it answered.</summary>
public sealed class LiveStreamConnectException : Exception
{
    public LiveStreamConnectException(LiveStreamFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public LiveStreamConnectException()
        : this(LiveStreamFailure.Unreachable, "The stream could not be reached.")
    {
    }

    public LiveStreamConnectException(string message)
        : this(LiveStreamFailure.Unreachable, message)
    {
    }

    public LiveStreamConnectException(string message, Exception innerException)
        : this(LiveStreamFailure.Unreachable, message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public LiveStreamFailure Failure { get; }

    /// <summary>HTTP status the endpoint answered instead of 101, when it answered.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Classifies a failed <see cref="ClientWebSocket.ConnectAsync(Uri, CancellationToken)"/> by the answer's status (0: none).</summary>
    public static LiveStreamConnectException FromHandshake(string endpoint, int status, Exception error)
    {
        var answered = $"HTTP {status} {ReasonPhrases.GetReasonPhrase(status)}".TrimEnd();
        return status switch
        {
            401 or 403 => new(LiveStreamFailure.Unauthorized,
                $"the stream at {endpoint} refused the token: {answered} instead of 101 Switching Protocols; check the credential's token", error)
            { HttpStatus = status },
            > 0 => new(LiveStreamFailure.NotAWebSocket,
                $"not a WebSocket stream: {endpoint} answered {answered} instead of 101 Switching Protocols; check the URL and path", error)
            { HttpStatus = status },
            _ => new(LiveStreamFailure.Unreachable, $"could not reach {endpoint}: {Unreached(endpoint, error)}", error),
        };
    }

    /// <summary>
    /// Why nothing answered, in words: a TLS handshake that failed on framing (what SslStream says when the server
    /// answers in cleartext) most often means a wss:// URL for a plain ws:// endpoint, and SslStream's own message does
    /// not say so.
    /// </summary>
    private static string Unreached(string endpoint, Exception error)
    {
        var innermost = Innermost(error);
        if (!Chain(error).Any(e => e is AuthenticationException))
        {
            return innermost.Message;
        }

        return innermost.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            ? $"TLS handshake failed: the server's certificate was not accepted ({innermost.Message})"
            : endpoint.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)
                ? $"TLS handshake failed — is this a plain ws:// endpoint? If so, use ws://{endpoint["wss://".Length..]} ({innermost.Message})"
                : $"TLS handshake failed ({innermost.Message})";
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static Exception Innermost(Exception error) => Chain(error).Last();
}
