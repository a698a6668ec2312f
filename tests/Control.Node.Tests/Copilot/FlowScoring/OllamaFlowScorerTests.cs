using System.Net;
using System.Net.Sockets;
using NerfEngine.Control.Copilot;
using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Copilot.Ollama;

namespace NerfEngine.Tests.ControlNode.Copilot.FlowScoring;

/// <summary>The scorer against the Ollama-protocol test server over real HTTP.</summary>
public sealed class OllamaFlowScorerTests : IAsyncLifetime
{
    private static readonly FlowFeatures Flow = new(
        "inline", null, new FlowEndpoint("0x01", "203.0.113.7", "external"), new FlowEndpoint("0x02", "10.0.0.9", "internal"),
        40000, 22, 6, "tcp", 3, 240, 0.5, null, null, null, null, []);

    private OllamaProtocolServer _ollama = null!;

    public async Task InitializeAsync() => _ollama = await OllamaProtocolServer.StartAsync();

    public async Task DisposeAsync() => await _ollama.DisposeAsync();

    private static OllamaFlowScorer Scorer(Uri url, FlowScorerStatistics statistics, out OllamaClient client)
    {
        client = new OllamaClient(new CopilotOptions { OllamaBaseUrl = url, ModelTimeout = TimeSpan.FromSeconds(10) });
        return new OllamaFlowScorer(client, new FlowScoringOptions(), statistics);
    }

    [Fact]
    public async Task A_scripted_answer_becomes_a_validated_score_and_the_model_sees_the_features_as_json()
    {
        _ollama.Scores.Enqueue(OllamaProtocolServer.Score(0.91, "malicious", "external SSH burst"));
        var statistics = new FlowScorerStatistics();
        var scorer = Scorer(_ollama.BaseUrl, statistics, out var client);
        using (client)
        {
            var score = await scorer.ScoreAsync(Flow);

            Assert.Equal(0.91, score.Score);
            Assert.Equal("malicious", score.Label);
            Assert.Equal("llama3.2:3b", score.Model);
        }

        var request = _ollama.Requests.Single();
        Assert.Equal("json", request["format"]!.GetValue<string>());
        var user = request["messages"]![1]!["content"]!.GetValue<string>();
        Assert.Contains("\"dst_port\":22", user);
        Assert.Contains("\"address\":\"203.0.113.7\"", user);
        var s = statistics.Snapshot();
        Assert.Equal((1, 1, 0L), (s.Inferences, s.Succeeded, s.Errors));
        Assert.NotNull(s.LastLatency);
    }

    [Fact]
    public async Task Invalid_output_and_an_unreachable_model_are_counted_with_the_last_error()
    {
        _ollama.Scores.Enqueue("""{"score": 7, "label": "benign", "rationale": "x"}""");
        var statistics = new FlowScorerStatistics();
        var scorer = Scorer(_ollama.BaseUrl, statistics, out var client);
        using (client)
        {
            await Assert.ThrowsAsync<InvalidModelOutputException>(() => scorer.ScoreAsync(Flow));
        }

        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var down = Scorer(new Uri($"http://127.0.0.1:{port}/"), statistics, out var downClient);
        using (downClient)
        {
            var ex = await Assert.ThrowsAsync<ModelUnavailableException>(() => down.ScoreAsync(Flow));
            Assert.StartsWith("model unavailable: cannot reach Ollama", ex.Message);
        }

        var s = statistics.Snapshot();
        Assert.Equal((2L, 0L, 1L, 1L, 2L), (s.Inferences, s.Succeeded, s.InvalidOutputs, s.Unavailable, s.Errors));
        Assert.StartsWith("model unavailable", s.LastError);
    }
}
