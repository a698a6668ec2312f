using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NerfEngine.Benchmarks.Registry;

/// <summary>
/// tools/call round trips per second over HTTP on loopback, for a read-only tool with input and output schema
/// validation and an audit record per call (query_hot_entities on a 64-edge graph, SQLite journal), against a
/// baseline POST on the same Kestrel that only parses the JSON body and writes a canned SSE answer. One operation
/// is one round trip; <see cref="Connections"/> concurrent keep-alive connections share each invocation's calls.
/// Run: <c>scripts/bench-mcp.sh</c> (prints the table), or
/// <c>dotnet run -c Release --project tests/NerfEngine.Benchmarks -- --filter '*McpToolCallBenchmark*'</c>.
/// Environment: NERF_BENCH_CONNECTIONS (default 32), NERF_BENCH_LATENCY_OUT (JSON lines with p50/p99),
/// NERF_BENCH_CALL (another JSON-RPC body to measure instead of the query_hot_entities call).
/// </summary>
[Config(typeof(Config))]
public class McpToolCallBenchmark
{
    /// <summary>Round trips per invocation (split across the connections).</summary>
    public const int CallsPerInvocation = 4096;

    private static readonly byte[] ToolCall = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("NERF_BENCH_CALL") ??
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"query_hot_entities","arguments":{"n":5,"rank":"degree"}}}""");

    private McpBenchHost _host = null!;
    private HttpClient _client = null!;
    private LatencyRecorder _mcpLatency = null!;
    private LatencyRecorder _rawLatency = null!;
    private LatencyRecorder _pingLatency = null!;

    /// <summary>Concurrent connections (NERF_BENCH_CONNECTIONS).</summary>
    public int Connections { get; private set; } = 32;

    [GlobalSetup]
    public void Setup()
    {
        Connections = int.TryParse(Environment.GetEnvironmentVariable("NERF_BENCH_CONNECTIONS"), out var c) && c > 0 ? c : 32;
        _host = McpBenchHost.StartAsync().GetAwaiter().GetResult();
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        _mcpLatency = new LatencyRecorder(1 << 20);
        _rawLatency = new LatencyRecorder(1 << 20);
        _pingLatency = new LatencyRecorder(1 << 20);
        // Prove the tool path works before measuring it.
        var probe = PostAsync(_host.McpUrl, null).GetAwaiter().GetResult();
        if (!probe.Contains("\"structuredContent\"", StringComparison.Ordinal) || probe.Contains("\"isError\":true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"query_hot_entities did not succeed: {probe}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Environment.GetEnvironmentVariable("NERF_BENCH_LATENCY_OUT") is { Length: > 0 } path)
        {
            var registry = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<NerfEngine.Control.Registry.ToolRegistry>(_host.Services);
            var inside = registry.Metrics["query_hot_entities"].MeanDurationMs;
            _rawLatency.WriteTo(path, nameof(RawKestrelPost), Connections);
            _pingLatency.WriteTo(path, nameof(PingOverMcp), Connections);
            _mcpLatency.WriteTo(path, nameof(ToolsCallWithValidationAndAudit), Connections, inside);
        }

        _client.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvocation)]
    public Task RawKestrelPost() => RunAsync(_host.RawUrl, _rawLatency);

    [Benchmark(OperationsPerInvoke = CallsPerInvocation)]
    public Task ToolsCallWithValidationAndAudit() => RunAsync(_host.McpUrl, _mcpLatency);

    [Benchmark(OperationsPerInvoke = CallsPerInvocation)]
    public Task PingOverMcp() => RunAsync(_host.McpUrl, _pingLatency, Ping);

    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");

    private Task RunAsync(Uri url, LatencyRecorder? latency, byte[]? body = null)
    {
        var perConnection = CallsPerInvocation / Connections;
        var workers = new Task[Connections];
        for (var w = 0; w < workers.Length; w++)
        {
            var calls = perConnection + (w < CallsPerInvocation % Connections ? 1 : 0);
            workers[w] = Task.Run(async () =>
            {
                for (var i = 0; i < calls; i++)
                {
                    await PostAsync(url, latency, body);
                }
            });
        }

        return Task.WhenAll(workers);
    }

    private async Task<string> PostAsync(Uri url, LatencyRecorder? latency, byte[]? body = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body ?? ToolCall) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", McpBenchHost.Token);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {text}");
        }

        latency?.Record(started);
        return text;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(6)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }
}
