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
/// requests (system prompt about the DSL) pop <see cref="Plans"/>, interpretation requests pop
/// <see cref="Verdicts"/>. Replies have Ollama's shape {"model", "message":{"role","content"}, "done"}.
/// </summary>
internal sealed class OllamaProtocolServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OllamaProtocolServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Plans { get; } = new();

    public ConcurrentQueue<string> Verdicts { get; } = new();

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
        string content = (plan ? Plans : Verdicts).TryDequeue(out string? next) ? next : plan ? Plan("SUMMARIZE") : Verdict(0);
        return Results.Json(new
        {
            model,
            created_at = "2026-01-01T00:00:00Z",
            message = new { role = "assistant", content },
            done = true,
        });
    }

    private static bool IsPlan(JsonNode request) =>
        request["messages"]![0]!["content"]!.GetValue<string>().Contains("DSL", StringComparison.Ordinal);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
