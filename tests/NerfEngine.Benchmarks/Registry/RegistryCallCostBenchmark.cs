using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Registry;

namespace NerfEngine.Benchmarks.Registry;

/// <summary>
/// One caller, one call at a time: time and allocations of a registry tools/call (query_hot_entities) against the
/// engine query it wraps (baseline), so the registry's own cost (validation both ways, audit, metrics) is the ratio.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class RegistryCallCostBenchmark
{
    private const string Arguments = """{"n":5,"rank":"degree"}""";
    private McpBenchHost _host = null!;
    private ToolRegistry _registry = null!;
    private GraphEngine _engine = null!;
    private readonly AgentIdentity _agent = new("bench", AgentMode.Observe, 10);

    [GlobalSetup]
    public void Setup()
    {
        _host = McpBenchHost.StartAsync().GetAwaiter().GetResult();
        _registry = _host.Services.GetRequiredService<ToolRegistry>();
        _engine = _host.Services.GetRequiredService<GraphEngine>();
    }

    [GlobalCleanup]
    public void Cleanup() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<int> EngineQuery() => _engine.QueryAsync(c => c.Graph.TopEntities(5).Count);

    [Benchmark]
    public async Task<bool> RegistryCall() => (await _registry.CallAsync(_agent, "query_hot_entities", Arguments)).IsSuccess;

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
