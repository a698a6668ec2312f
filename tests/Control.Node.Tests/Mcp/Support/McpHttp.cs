using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NerfEngine.Tests.ControlNode.Mcp.Support;

/// <summary>A raw Streamable HTTP client: exact control of headers and bodies, so tests can send what real clients would not.</summary>
internal sealed class McpHttp(Uri url) : IDisposable
{
    private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 };
    private readonly HttpClient _client = new(Handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };
    private int _nextId;

    /// <summary>One response: status, headers and the JSON-RPC message (from SSE or JSON), if any.</summary>
    public sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, string Body, JsonObject? Message)
    {
        public JsonObject? Result => Message?["result"] as JsonObject;

        public int? ErrorCode => Message?["error"]?["code"]?.GetValue<int>();

        public string? ErrorMessage => Message?["error"]?["message"]?.GetValue<string>();

        /// <summary>tools/call: isError flag.</summary>
        public bool IsToolError => Result?["isError"]?.GetValue<bool>() == true;

        /// <summary>tools/call error: the parsed error object from the text content.</summary>
        public JsonObject? ToolError => IsToolError ? JsonNode.Parse(Result!["content"]![0]!["text"]!.GetValue<string>())?["error"] as JsonObject : null;

        public JsonObject? Structured => Result?["structuredContent"] as JsonObject;
    }

    /// <summary>POSTs a raw body with the usual headers unless overridden.</summary>
    public async Task<Reply> PostRawAsync(
        byte[] body, string? token, string accept = "application/json, text/event-stream", string contentType = "application/json",
        string? origin = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        using var response = await _client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Reply(response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, text, Parse(text));
    }

    public Task<Reply> PostAsync(JsonObject message, string? token, CancellationToken cancellationToken = default) =>
        PostRawAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), token, cancellationToken: cancellationToken);

    public Task<Reply> RequestAsync(string method, JsonObject? parameters, string? token, CancellationToken cancellationToken = default)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _nextId), ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        return PostAsync(message, token, cancellationToken);
    }

    public Task<Reply> CallToolAsync(string tool, JsonObject? arguments, string token, CancellationToken cancellationToken = default) =>
        RequestAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() }, token, cancellationToken);

    public async Task<JsonArray> ListToolsAsync(string token)
    {
        var reply = await RequestAsync("tools/list", null, token);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        return (JsonArray)reply.Result!["tools"]!;
    }

    /// <summary>The first JSON-RPC message of an SSE stream (data: lines) or a JSON body.</summary>
    private static JsonObject? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try { return JsonNode.Parse(trimmed) as JsonObject; }
            catch (JsonException) { return null; }
        }

        var data = string.Join('\n', text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].TrimStart()));
        return data.Length == 0 ? null : JsonNode.Parse(data) as JsonObject;
    }

    public void Dispose() => _client.Dispose();
}
