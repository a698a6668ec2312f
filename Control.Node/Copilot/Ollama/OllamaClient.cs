using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NerfEngine.Control.Copilot.Ollama;

/// <summary>One model Ollama holds in memory (<c>/api/ps</c>).</summary>
/// <param name="Name">Model name with tag ("llama3.2:3b").</param>
/// <param name="SizeBytes">Memory it takes, bytes.</param>
/// <param name="SizeVramBytes">Part of that in GPU memory, bytes (0: runs on the CPU).</param>
/// <param name="ExpiresAt">When Ollama unloads it unless it is used again.</param>
/// <param name="ContextLength">Context window allocated, tokens.</param>
public sealed record OllamaLoadedModel(string Name, long? SizeBytes, long? SizeVramBytes, DateTimeOffset? ExpiresAt, int? ContextLength);

/// <summary>What /api/tags says about the daemon and the configured model.</summary>
/// <param name="Reachable">The daemon answered.</param>
/// <param name="ModelPresent">The configured model is among the pulled models.</param>
/// <param name="Models">Pulled model names.</param>
/// <param name="Error">Why not, as a "model unavailable: …" message; null when the model is ready.</param>
public sealed record OllamaStatus(string BaseUrl, string Model, bool Reachable, bool ModelPresent, IReadOnlyList<string> Models, string? Error);

/// <summary>
/// A small client for Ollama's HTTP API (OllamaSharp is not available): non-streaming
/// <c>POST /api/chat</c> with <c>format: "json"</c>, and <c>GET /api/tags</c> / <c>GET /api/ps</c> for status. Every
/// failure to get an answer becomes one <see cref="ModelUnavailableException"/>.
/// </summary>
public sealed class OllamaClient : IChatModel, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for <see cref="CopilotOptions.OllamaBaseUrl"/> and <see cref="CopilotOptions.Model"/>.</summary>
    /// <param name="http">Optional shared client; its BaseAddress is ignored. Null creates (and owns) one.</param>
    public OllamaClient(CopilotOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        BaseUrl = options.OllamaBaseUrl;
        Model = options.Model;
        _timeout = options.ModelTimeout;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The daemon's base URL.</summary>
    public Uri BaseUrl { get; }

    /// <inheritdoc />
    public string Model { get; }

    /// <inheritdoc />
    public async Task<string> ChatJsonAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        var request = new ChatRequest(Model, messages.Select(m => new WireMessage(m.Role, m.Content)).ToArray(), Stream: false, Format: "json");
        using var response = await SendAsync(ct => _http.PostAsJsonAsync(new Uri(BaseUrl, "api/chat"), request, Json, ct), "/api/chat", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ModelUnavailableException($"model '{Model}' not found at {BaseUrl} ({await ErrorText(response, cancellationToken)}); pull it with 'ollama pull {Model}'.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ModelUnavailableException($"{BaseUrl} answered /api/chat with HTTP {(int)response.StatusCode} ({await ErrorText(response, cancellationToken)}).");
        }

        ChatResponse? reply;
        try
        {
            reply = await response.Content.ReadFromJsonAsync<ChatResponse>(Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ModelUnavailableException($"{BaseUrl} sent a reply that is not Ollama's chat response: {ex.Message}", ex);
        }

        return reply?.Message?.Content is { } content
            ? content
            : throw new ModelUnavailableException($"{BaseUrl} sent a chat response without message.content.");
    }

    /// <summary>Lists pulled models and says whether the configured one is there. Never throws for an unavailable daemon.</summary>
    public async Task<OllamaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendAsync(ct => _http.GetAsync(new Uri(BaseUrl, "api/tags"), ct), "/api/tags", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Status(true, [], $"model unavailable: {BaseUrl} answered /api/tags with HTTP {(int)response.StatusCode}.");
            }

            var tags = await response.Content.ReadFromJsonAsync<TagsResponse>(Json, cancellationToken);
            var models = tags?.Models?.Select(m => m.Name ?? m.Model ?? string.Empty).Where(n => n.Length > 0).ToArray() ?? [];
            bool present = models.Any(IsConfiguredModel);
            return Status(true, models, present ? null : $"model unavailable: model '{Model}' is not pulled at {BaseUrl}.");
        }
        catch (ModelUnavailableException ex)
        {
            return Status(false, [], ex.Message);
        }
        catch (JsonException ex)
        {
            return Status(true, [], $"model unavailable: {BaseUrl} /api/tags is not Ollama's answer ({ex.Message}).");
        }
    }

    /// <summary>
    /// The models loaded into memory right now (<c>GET /api/ps</c>): an empty list means none is loaded, and the
    /// next chat pays the load time.
    /// </summary>
    /// <exception cref="ModelUnavailableException">The daemon did not answer, or answered with something else than Ollama's list.</exception>
    public async Task<IReadOnlyList<OllamaLoadedModel>> GetLoadedModelsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(ct => _http.GetAsync(new Uri(BaseUrl, "api/ps"), ct), "/api/ps", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelUnavailableException($"{BaseUrl} answered /api/ps with HTTP {(int)response.StatusCode} ({await ErrorText(response, cancellationToken)}).");
        }

        try
        {
            var ps = await response.Content.ReadFromJsonAsync<PsResponse>(Json, cancellationToken);
            return ps?.Models?
                .Where(m => !string.IsNullOrEmpty(m.Name ?? m.Model))
                .Select(m => new OllamaLoadedModel(m.Name ?? m.Model!, m.Size, m.SizeVram, m.ExpiresAt, m.ContextLength))
                .ToArray() ?? [];
        }
        catch (JsonException ex)
        {
            throw new ModelUnavailableException($"{BaseUrl} /api/ps is not Ollama's answer ({ex.Message}).", ex);
        }
    }

    /// <summary>True when <paramref name="name"/> names the configured model (Ollama adds ":latest" to untagged names).</summary>
    public bool IsConfiguredModel(string name) => name == Model || name == Model + ":latest";

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private OllamaStatus Status(bool reachable, IReadOnlyList<string> models, string? error) =>
        new(BaseUrl.ToString(), Model, reachable, error is null, models, error);

    /// <summary>Sends with the per-call timeout; unreachable and timed-out become <see cref="ModelUnavailableException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await send(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelUnavailableException($"no answer from {BaseUrl} {path} within {_timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelUnavailableException($"cannot reach Ollama at {BaseUrl} ({ex.Message}).", ex);
        }
    }

    private static async Task<string> ErrorText(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
            {
                return e.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: quote the start of the body.
        }

        return body.Length > 200 ? body[..200] : body;
    }

    private sealed record WireMessage(string Role, string Content);

    private sealed record ChatRequest(string Model, WireMessage[] Messages, bool Stream, string Format);

    private sealed record ChatResponse(string? Model, WireMessage? Message, bool Done);

    private sealed record TagsResponse(TagModel[]? Models);

    private sealed record TagModel(string? Name, string? Model);

    private sealed record PsResponse(PsModel[]? Models);

    private sealed record PsModel(
        string? Name,
        string? Model,
        long? Size,
        [property: JsonPropertyName("size_vram")] long? SizeVram,
        [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
        [property: JsonPropertyName("context_length")] int? ContextLength);
}
