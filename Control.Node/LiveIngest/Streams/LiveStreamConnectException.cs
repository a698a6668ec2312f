using System.Net.WebSockets;
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
            _ => new(LiveStreamFailure.Unreachable, $"could not reach {endpoint}: {Innermost(error).Message}", error),
        };
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner) error = inner;
        return error;
    }
}
