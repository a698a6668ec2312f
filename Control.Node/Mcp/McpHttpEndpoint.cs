using System.Buffers;
using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// Streamable HTTP (MCP 2025-06-18) on one POST route, without the AspNetCore companion package: each POST gets
/// a stateless <see cref="StreamableHttpServerTransport"/> and a server sharing one set of options. Everything
/// the SDK leaves to the host happens here, in this order: method (405), Origin (403), bearer token (401 with
/// WWW-Authenticate), Accept (406), Content-Type (415), body size (413), JSON (-32700), JSON-RPC shape (-32600),
/// tools/call envelope (-32602). Each refusal is audited; nothing refused reaches the registry.
/// </summary>
public sealed class McpHttpEndpoint
{
    private const string EventStream = "text/event-stream";
    private const string Json = "application/json";

    /// <summary>Bytes of a protocol answer kept to recognise a JSON-RPC error (errors are short).</summary>
    private const int ErrorCaptureBytes = 4096;

    private readonly McpOptions _options;
    private readonly AgentDirectory _agents;
    private readonly ToolRegistry _registry;
    private readonly McpServerOptions _serverOptions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HashSet<string> _origins;

    public McpHttpEndpoint(McpOptions options, AgentDirectory agents, ToolRegistry registry, McpToolSurface surface, ILoggerFactory loggerFactory)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _agents = agents ?? throw new ArgumentNullException(nameof(agents));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _serverOptions = (surface ?? throw new ArgumentNullException(nameof(surface))).CreateHttpServerOptions();
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = new SdkLoggerFactory(loggerFactory, options.SdkLogLevel);
        _origins = new HashSet<string>(options.AllowedOrigins, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Handles one HTTP request to the MCP route.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;

        if (!HttpMethods.IsPost(request.Method))
        {
            // Stateless: no server-initiated stream (GET) and no session to delete (DELETE).
            response.Headers.Allow = "POST";
            await RefuseAsync(context, started, null, StatusCodes.Status405MethodNotAllowed, AuditOutcomes.MethodNotAllowed,
                $"{request.Method} is not supported: this endpoint is stateless and answers POST only.").ConfigureAwait(false);
            return;
        }

        if (request.Headers.Origin is { Count: > 0 } origin && !_origins.Contains(origin.ToString()))
        {
            await RefuseAsync(context, started, null, StatusCodes.Status403Forbidden, AuditOutcomes.ForbiddenOrigin,
                $"Origin '{ToolSummary.Bound(origin.ToString(), 128)}' is not allowed (Mcp:AllowedOrigins).").ConfigureAwait(false);
            return;
        }

        if (!_agents.TryAuthenticate(BearerToken(request), out var agent, out var principal))
        {
            response.Headers.WWWAuthenticate = "Bearer realm=\"nerf\", error=\"invalid_token\", error_description=\"missing or unknown bearer token\"";
            await RefuseAsync(context, started, null, StatusCodes.Status401Unauthorized, AuditOutcomes.Unauthorized,
                request.Headers.Authorization.Count == 0 ? "No bearer token." : "Invalid bearer token.").ConfigureAwait(false);
            return;
        }

        if (!AcceptsJsonAndEventStream(request))
        {
            await RefuseAsync(context, started, agent, StatusCodes.Status406NotAcceptable, AuditOutcomes.NotAcceptable,
                NotAcceptableMessage(request.Headers.Accept.ToString())).ConfigureAwait(false);
            return;
        }

        if (!IsJsonContent(request.ContentType))
        {
            await RefuseAsync(context, started, agent, StatusCodes.Status415UnsupportedMediaType, AuditOutcomes.UnsupportedMediaType,
                $"Content-Type must be {Json}.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, started, agent, StatusCodes.Status413PayloadTooLarge, AuditOutcomes.PayloadTooLarge,
                $"Request body exceeds {_options.MaxRequestBytes} bytes (Mcp:MaxRequestBytes).").ConfigureAwait(false);
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(body, McpMessageJson.MessageType);
        }
        catch (JsonException ex)
        {
            var parseable = IsJson(body);
            await RpcErrorAsync(context, started, agent!, null, null, StatusCodes.Status400BadRequest,
                parseable ? McpErrorCode.InvalidRequest : McpErrorCode.ParseError,
                parseable ? AuditOutcomes.InvalidRequest : AuditOutcomes.ParseError,
                parseable ? $"Not a JSON-RPC 2.0 message: {ex.Message}" : $"Parse error: the body is not valid JSON ({ex.Message})",
                body).ConfigureAwait(false);
            return;
        }

        if (message is null)
        {
            await RpcErrorAsync(context, started, agent!, null, null, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                AuditOutcomes.InvalidRequest, "Not a JSON-RPC 2.0 message: the body is JSON null.", body).ConfigureAwait(false);
            return;
        }

        if (message is JsonRpcRequest { Method: RequestMethods.ToolsCall } call && ToolsCallEnvelopeProblem(call) is { } problem)
        {
            await RpcErrorAsync(context, started, agent!, call.Id, call.Method, StatusCodes.Status200OK, McpErrorCode.InvalidParams,
                AuditOutcomes.InvalidParams, problem, body).ConfigureAwait(false);
            return;
        }

        await ServeAsync(context, message, agent!, principal!, started, body).ConfigureAwait(false);
    }

    /// <summary>Hands one valid message to a per-request stateless server and streams its answer.</summary>
    private async Task ServeAsync(HttpContext context, JsonRpcMessage message, AgentIdentity agent, ClaimsPrincipal principal, long started, byte[] body)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        message.Context = new JsonRpcMessageContext { User = principal };
        var method = (message as JsonRpcRequest)?.Method;

        // tools/call is audited by the registry; other requests are audited when the SDK answers with an error.
        using var capture = method is null or RequestMethods.ToolsCall ? null : new ResponsePrefixCapture(response.Body, ErrorCaptureBytes);
        var transport = new StreamableHttpServerTransport(_loggerFactory) { Stateless = true };
        await using var server = McpServer.Create(transport, _serverOptions, _loggerFactory, context.RequestServices);
        var run = server.RunAsync(aborted);
        try
        {
            var wrote = await transport.HandlePostRequestAsync(message, (Stream?)capture ?? response.Body, _ =>
            {
                response.ContentType = EventStream;
                response.Headers.CacheControl = "no-cache";
                return ValueTask.CompletedTask;
            }, aborted).ConfigureAwait(false);
            if (!wrote)
            {
                response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        finally
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client went away; the server loop ends with it.
            }
        }

        if (capture?.Error() is { } error)
        {
            await _registry.RecordProtocolEventAsync(agent.Name, ToolTransports.Http, method, null, ParamsText(body),
                OutcomeOf((McpErrorCode)error.Code), error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture),
                error.Message, Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The SDK turns a tools/call whose params do not bind (name not a string, arguments not an object) into an
    /// internal error; the client deserves invalid params, with the reason.
    /// </summary>
    private static string? ToolsCallEnvelopeProblem(JsonRpcRequest call)
    {
        try
        {
            return EnvelopeProblem(call);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException)
        {
            return $"tools/call params are not a well-formed object ({ex.Message}).";
        }
    }

    private static string? EnvelopeProblem(JsonRpcRequest call)
    {
        if (call.Params is not JsonObject p)
        {
            return "tools/call params must be an object with a string 'name' and an optional object 'arguments'.";
        }

        if (!p.TryGetPropertyValue("name", out var name) || name is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return "tools/call params.name must be a string (the tool name).";
        }

        if (p.TryGetPropertyValue("arguments", out var args) && args is not null && args is not JsonObject)
        {
            return $"tools/call params.arguments must be an object, not {args.GetValueKind().ToString().ToLowerInvariant()}.";
        }

        return null;
    }

    private async Task RefuseAsync(HttpContext context, long started, AgentIdentity? agent, int status, string outcome, string message)
    {
        await _registry.RecordProtocolEventAsync(agent?.Name ?? AgentIdentity.AnonymousName, ToolTransports.Http, context.Request.Method, null, null,
            outcome, status.ToString(System.Globalization.CultureInfo.InvariantCulture), message, Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
        context.Response.StatusCode = status;
        context.Response.ContentType = Json;
        await JsonSerializer.SerializeAsync(context.Response.Body, new HttpRefusal(new HttpRefusalError(status, message)), McpMessageJson.RefusalType, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RpcErrorAsync(
        HttpContext context, long started, AgentIdentity agent, RequestId? id, string? method, int status, McpErrorCode code, string outcome, string message, byte[] body)
    {
        await _registry.RecordProtocolEventAsync(agent.Name, ToolTransports.Http, method, ToolName(body), ParamsText(body), outcome,
            ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), message, Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
        var error = new JsonRpcError { Id = id ?? default, Error = new JsonRpcErrorDetail { Code = (int)code, Message = message } };
        context.Response.StatusCode = status;
        context.Response.ContentType = Json;
        await JsonSerializer.SerializeAsync(context.Response.Body, (JsonRpcMessage)error, McpMessageJson.MessageType, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads the body up to the limit; null when it is larger.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var limit = _options.MaxRequestBytes;
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 4096, limit) + 1);
        var stream = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await stream.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    /// <summary>
    /// The SDK's transport writes every answer as an event stream and has no JSON-only mode, so a client that accepts
    /// only JSON cannot be served; the refusal names the exact header that works.
    /// </summary>
    internal static string NotAcceptableMessage(string accept) =>
        $"Send the header 'Accept: {Json}, {EventStream}': this endpoint answers MCP Streamable HTTP as an event stream "
        + $"(it has no JSON-only mode), so Accept must list both {Json} and {EventStream} (or a wildcard covering them); "
        + (accept.Length == 0 ? "this request sent no Accept header." : $"this request sent 'Accept: {ToolSummary.Bound(accept, 128)}'.");

    /// <summary>Streamable HTTP: the client must accept both JSON and an event stream (wildcards count).</summary>
    private static bool AcceptsJsonAndEventStream(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        bool json = false, sse = false;
        foreach (var media in accepted)
        {
            if (media.Quality is 0)
            {
                continue;
            }

            var type = media.MediaType.Value ?? string.Empty;
            json |= type.Equals(Json, StringComparison.OrdinalIgnoreCase) || type == "*/*" || type.Equals("application/*", StringComparison.OrdinalIgnoreCase);
            sse |= type.Equals(EventStream, StringComparison.OrdinalIgnoreCase) || type == "*/*" || type.Equals("text/*", StringComparison.OrdinalIgnoreCase);
        }

        return json && sse;
    }

    private static bool IsJsonContent(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ToolName(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body)?["params"]?["name"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string ParamsText(byte[] body) => System.Text.Encoding.UTF8.GetString(body);

    private static string OutcomeOf(McpErrorCode code) => code switch
    {
        McpErrorCode.MethodNotFound => AuditOutcomes.MethodNotFound,
        McpErrorCode.InvalidParams => AuditOutcomes.InvalidParams,
        McpErrorCode.InvalidRequest => AuditOutcomes.InvalidRequest,
        McpErrorCode.ParseError => AuditOutcomes.ParseError,
        McpErrorCode.InternalError => AuditOutcomes.InternalError,
        _ => AuditOutcomes.ProtocolError,
    };
}

/// <summary>Body of an HTTP-level refusal (not JSON-RPC: the request never became a message).</summary>
internal sealed record HttpRefusal(HttpRefusalError Error);

/// <summary>Status and reason of an HTTP-level refusal.</summary>
internal sealed record HttpRefusalError(int Status, string Message);

/// <summary>JSON type metadata for messages and refusals (the SDK's options know JSON-RPC; ours know refusals).</summary>
internal static class McpMessageJson
{
    public static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonRpcMessage> MessageType =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    public static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<HttpRefusal> RefusalType =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<HttpRefusal>)Registry.Schemas.ToolJson.Options.GetTypeInfo(typeof(HttpRefusal));
}
