using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Tests.ControlNode.Copilot;

/// <summary>
/// Speaks Ollama's HTTP protocol on Kestrel (127.0.0.1, port 0) with scripted answers: plan
/// requests (system prompt about the DSL) pop <see cref="Plans"/>, flow-scoring requests (system
/// prompt about scoring a network flow) pop <see cref="Scores"/>, interpretation requests pop
/// <see cref="Verdicts"/>. Replies have Ollama's shape {"model", "message":{"role","content"}, "done"};
/// /api/tags lists the pulled model, /api/ps the <see cref="LoadedModels"/>.
/// </summary>
internal sealed class OllamaProtocolServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OllamaProtocolServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Plans { get; } = new();

    public ConcurrentQueue<string> Verdicts { get; } = new();

    /// <summary>Raw assistant contents for flow-scoring requests (may be deliberately invalid).</summary>
    public ConcurrentQueue<string> Scores { get; } = new();

    /// <summary>Models /api/ps reports as loaded in memory.</summary>
    public string[] LoadedModels { get; set; } = ["llama3.2:3b"];

    /// <summary>Every /api/chat request body, in order.</summary>
    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    /// <summary>When set, /api/chat answers 404 like Ollama for a model that is not pulled.</summary>
    public bool ModelMissing { get; set; }

    /// <summary>Awaited before each /api/chat answer (tests hold the model here).</summary>
    public Func<Task>? Gate { get; set; }

    public Uri BaseUrl => new(_app.Urls.First() + "/");

    public int PlanRequests => Requests.Count(r => IsPlan(r));

    public static async Task<OllamaProtocolServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new OllamaProtocolServer(app);
        app.MapPost("/api/chat", (Delegate)server.ChatAsync);
        app.MapGet("/api/tags", () => Results.Json(new { models = new[] { new { name = "llama3.2:3b", model = "llama3.2:3b" } } }));
        app.MapGet("/api/ps", () => Results.Json(new
        {
            models = server.LoadedModels.Select(m => new { name = m, model = m, size = 2_019_393_189L, size_vram = 0L, expires_at = "2026-01-01T00:05:00Z", context_length = 4096 }).ToArray(),
        }));
        await app.StartAsync();
        return server;
    }

    /// <summary>{"plan":[…]} from text steps ("FOCUS 10.10.0.80").</summary>
    public static string Plan(params string[] steps) => new JsonObject
    {
        ["plan"] = new JsonArray(steps.Select(s =>
        {
            string[] t = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (JsonNode?)new JsonObject { ["verb"] = t[0], ["args"] = new JsonArray(t[1..].Select(a => (JsonNode?)a).ToArray()) };
        }).ToArray()),
    }.ToJsonString();

    /// <summary>A valid flow-scoring answer.</summary>
    public static string Score(double score, string label, string rationale = "scripted rationale") =>
        new JsonObject { ["score"] = score, ["label"] = label, ["rationale"] = rationale }.ToJsonString();

    public static string Verdict(double confidence) =>
        new JsonObject { ["confidence"] = confidence, ["assessment"] = $"scripted {confidence}" }.ToJsonString();

    /// <summary>Scripts one step: a plan and the verdict on its results.</summary>
    public void Script(string plan, double confidence)
    {
        Plans.Enqueue(plan);
        Verdicts.Enqueue(Verdict(confidence));
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        JsonNode body = (await JsonNode.ParseAsync(context.Request.Body))!;
        Requests.Enqueue(body);
        if (Gate is { } gate) await gate();
        string model = body["model"]!.GetValue<string>();
        if (ModelMissing)
        {
            return Results.Json(new { error = $"model '{model}' not found" }, statusCode: 404);
        }

        bool plan = IsPlan(body);
        string content = IsScore(body)
            ? Scores.TryDequeue(out string? score) ? score : Score(0, "benign", "unscripted")
            : (plan ? Plans : Verdicts).TryDequeue(out string? next) ? next : plan ? Plan("SUMMARIZE") : Verdict(0);
        return Results.Json(new
        {
            model,
            created_at = "2026-01-01T00:00:00Z",
            message = new { role = "assistant", content },
            done = true,
        });
    }

    public int ScoreRequests => Requests.Count(r => IsScore(r));

    private static bool IsScore(JsonNode request) =>
        request["messages"]![0]!["content"]!.GetValue<string>().Contains("network flow", StringComparison.Ordinal);

    private static bool IsPlan(JsonNode request) =>
        request["messages"]![0]!["content"]!.GetValue<string>().Contains("DSL", StringComparison.Ordinal);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
