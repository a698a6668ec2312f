using System.Net;
using System.Net.Sockets;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.Agent;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Ollama;
using static NerfEngine.Tests.ControlNode.Copilot.OllamaProtocolServer;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class InvestigationAgentTests : IAsyncLifetime
{
    private const string Question = "Is 10.10.0.80 under a coordinated fan-in on port 443? (format like 10.0.0.1 / example.com)";

    private KnownGraph _graph = null!;
    private OllamaProtocolServer _ollama = null!;

    public async Task InitializeAsync()
    {
        _graph = await KnownGraph.StartAsync();
        _ollama = await OllamaProtocolServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ollama.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private InvestigationAgent Agent(Uri? baseUrl, out OllamaClient client)
    {
        var options = new CopilotOptions { OllamaBaseUrl = baseUrl ?? _ollama.BaseUrl, ModelTimeout = TimeSpan.FromSeconds(10) };
        client = new OllamaClient(options);
        return new InvestigationAgent(client, new DslExecutor(_graph.Engine, options), options);
    }

    [Fact]
    public async Task Confidence_of_080_or_more_stops_the_loop()
    {
        _ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.5);
        _ollama.Script(Plan("ANALYZE temporal_sync", "ASSESS"), 0.85);
        _ollama.Script(Plan("SUMMARIZE"), 0.9);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.ConfidenceReached, report.StopReason);
        Assert.Equal(2, report.Steps.Count);
        Assert.Equal(0.85, report.BestConfidence);
        Assert.Equal(KnownGraph.BurstSources + 1, report.Steps[0].Results[1].Data["value"]!.GetValue<double>());
    }

    [Fact]
    public async Task Repeated_plan_attractor_exits_after_one_repeat_at_the_best_confidence()
    {
        string plan = Plan("FOCUS 10.10.0.80", "ANALYZE fanin", "ASSESS");
        _ollama.Script(plan, 0.7);
        _ollama.Script(plan, 0.4);
        _ollama.Script(Plan("SUMMARIZE"), 0.1);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.AttractorBreak, report.StopReason);
        Assert.Single(report.Steps);
        Assert.Equal(0.7, report.BestConfidence);
        Assert.Equal(2, _ollama.PlanRequests);
        Assert.Equal(3, _ollama.Requests.Count); // the repeat was not executed nor interpreted
    }

    [Fact]
    public async Task A_repeat_below_the_floor_does_not_end_the_loop()
    {
        string plan = Plan("FOCUS 10.10.0.80", "ANALYZE fanin");
        _ollama.Script(plan, 0.3);
        _ollama.Script(plan, 0.3);
        _ollama.Script(Plan("ANALYZE temporal_sync"), 0.9);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.ConfidenceReached, report.StopReason);
        Assert.Equal(3, report.Steps.Count);
    }

    [Fact]
    public async Task Plateau_of_two_equal_non_improving_steps_exits()
    {
        _ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.7);
        _ollama.Script(Plan("ANALYZE temporal_sync"), 0.7);
        _ollama.Script(Plan("CLUSTER timing"), 0.7);
        _ollama.Script(Plan("TRACE depth 2"), 0.7);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.Plateau, report.StopReason);
        Assert.Equal(3, report.Steps.Count);
        Assert.Equal(0.7, report.BestConfidence);
    }

    [Fact]
    public async Task Best_confidence_is_reported_not_the_last()
    {
        _ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.75);
        _ollama.Script(Plan("ANALYZE temporal_sync"), 0.6);
        _ollama.Script(Plan("CLUSTER timing"), 0.6);
        _ollama.Script(Plan("CLUSTER asn"), 0.6);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.Plateau, report.StopReason);
        Assert.Equal(0.6, report.Steps[^1].Confidence);
        Assert.Equal(0.75, report.BestConfidence);
        Assert.Equal(1, report.BestStep);
        Assert.Equal("scripted 0.75", report.BestAssessment);
    }

    [Fact]
    public async Task Loop_is_capped_at_six_steps()
    {
        string[] plans = ["ANALYZE fanin", "ANALYZE fanout", "ANALYZE temporal_sync", "ANALYZE degree_delta", "CLUSTER timing", "CLUSTER asn", "TRACE 2", "EXPAND 2"];
        for (int i = 0; i < plans.Length; i++)
        {
            _ollama.Script(Plan("FOCUS 10.10.0.80", plans[i]), 0.1 * (i + 1));
        }

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.StepLimit, report.StopReason);
        Assert.Equal(6, report.Steps.Count);
        Assert.Equal(0.6, report.BestConfidence!.Value, 6);
    }

    [Fact]
    public async Task Investigation_time_limit_stops_the_loop_with_the_best_confidence_so_far()
    {
        _ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.7);
        _ollama.Script(Plan("ANALYZE temporal_sync"), 0.5);
        int calls = 0;
        // The first step's two calls answer at once; from the second step on the model hangs far past the limit.
        _ollama.Gate = () => Interlocked.Increment(ref calls) > 2 ? Task.Delay(TimeSpan.FromSeconds(30)) : Task.CompletedTask;
        var options = new CopilotOptions
        {
            OllamaBaseUrl = _ollama.BaseUrl,
            ModelTimeout = TimeSpan.FromSeconds(60),
            InvestigationTimeout = TimeSpan.FromSeconds(2),
        };
        using var client = new OllamaClient(options);
        var agent = new InvestigationAgent(client, new DslExecutor(_graph.Engine, options), options);

        var report = await agent.InvestigateAsync(Question).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(StopReason.TimeLimit, report.StopReason);
        Assert.Single(report.Steps);
        Assert.Equal(0.7, report.BestConfidence);
        Assert.Equal("TimeLimit", report.ToJson()["stop_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Example_values_are_never_used_as_entities_or_focus()
    {
        _ollama.Script(Plan("FOCUS 10.0.0.1", "FOCUS 10.10.0.80", "ANALYZE fanin"), 0.9);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(["10.10.0.80", "443"], report.Entities.Select(e => e.Value));
        Assert.Equal("FOCUS 10.10.0.80; ANALYZE fanin", report.Steps[0].Plan);
        Assert.Contains("placeholder", report.Steps[0].PlanError);
        string firstPrompt = _ollama.Requests.First()["messages"]![1]!["content"]!.GetValue<string>();
        Assert.Contains("Entities: ipv4 10.10.0.80, port 443", firstPrompt);
        Assert.DoesNotContain("10.0.0.1", firstPrompt.Split('\n')[1]);
    }

    [Fact]
    public async Task Requests_use_ollamas_chat_protocol_with_json_format()
    {
        _ollama.Script(Plan("FOCUS 10.10.0.80"), 0.95);

        await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        var request = _ollama.Requests.First();
        Assert.Equal("llama3.2:3b", request["model"]!.GetValue<string>());
        Assert.False(request["stream"]!.GetValue<bool>());
        Assert.Equal("json", request["format"]!.GetValue<string>());
        Assert.Equal("system", request["messages"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unreachable_model_gives_the_clear_error_and_deterministic_findings()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var report = await Agent(new Uri($"http://127.0.0.1:{port}/"), out var client).InvestigateAsync(Question);
        var status = await client.GetStatusAsync();
        client.Dispose();

        Assert.Equal(StopReason.ModelUnavailable, report.StopReason);
        Assert.False(report.ModelAvailable);
        Assert.StartsWith("model unavailable: cannot reach Ollama at http://127.0.0.1:", report.Error);
        Assert.Null(report.BestConfidence);
        Assert.Equal("FOCUS 10.10.0.80", report.DeterministicFindings[0].Step);
        Assert.True(report.DeterministicConfidence > 0);
        Assert.False(status.Reachable);
        Assert.StartsWith("model unavailable: ", status.Error);
        var json = report.ToJson();
        Assert.False(json["model_available"]!.GetValue<bool>());
        Assert.Equal(report.Error, json["error"]!.GetValue<string>());
        Assert.Equal("ModelUnavailable", json["stop_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Model_not_pulled_is_reported_as_unavailable_with_the_daemons_reason()
    {
        _ollama.ModelMissing = true;

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Equal(StopReason.ModelUnavailable, report.StopReason);
        Assert.Contains("model 'llama3.2:3b' not found", report.Error);
    }

    [Fact]
    public async Task Model_timeout_is_reported_as_unavailable()
    {
        _ollama.Gate = () => Task.Delay(TimeSpan.FromSeconds(5));
        var options = new CopilotOptions { OllamaBaseUrl = _ollama.BaseUrl, ModelTimeout = TimeSpan.FromMilliseconds(200) };
        using var client = new OllamaClient(options);

        var ex = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.ChatJsonAsync([ChatMessage.User("hi")]));

        Assert.StartsWith("model unavailable: no answer from", ex.Message);
    }

    [Fact]
    public async Task Status_lists_pulled_models()
    {
        using var client = new OllamaClient(new CopilotOptions { OllamaBaseUrl = _ollama.BaseUrl });

        var status = await client.GetStatusAsync();

        Assert.True(status.Reachable);
        Assert.True(status.ModelPresent);
        Assert.Equal(["llama3.2:3b"], status.Models);
    }

    [Fact]
    public async Task Unparseable_plan_is_recorded_and_the_loop_goes_on()
    {
        _ollama.Plans.Enqueue("""{"plan":[{"verb":"PIVOT"}]}""");
        _ollama.Verdicts.Enqueue(Verdict(0.2));
        _ollama.Script(Plan("FOCUS 10.10.0.80", "ANALYZE fanin"), 0.85);

        var report = await Agent(null, out var client).InvestigateAsync(Question);
        client.Dispose();

        Assert.Contains("unknown verb 'PIVOT'", report.Steps[0].PlanError);
        Assert.Equal(0.85, report.BestConfidence);
    }
}
