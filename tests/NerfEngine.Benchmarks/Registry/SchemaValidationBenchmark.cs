using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Schemas;

namespace NerfEngine.Benchmarks.Registry;

/// <summary>
/// Output validation of one query_hot_entities result (5 entities): the compiled validator the call path uses
/// against NJsonSchema over a Newtonsoft token tree (the baseline it replaced), with allocations.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SchemaValidationBenchmark
{
    private McpBenchHost _host = null!;
    private ToolSchema _schema = null!;
    private string _text = string.Empty;
    private JsonDocument _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = McpBenchHost.StartAsync().GetAwaiter().GetResult();
        var registry = _host.Services.GetRequiredService<ToolRegistry>();
        _schema = registry.Definition("query_hot_entities").OutputSchema;
        var result = registry.CallAsync(new AgentIdentity("bench", AgentMode.Observe, 1), "query_hot_entities", """{"n":5}""").AsTask().GetAwaiter().GetResult();
        _text = result.Structured!.Value.GetRawText();
        _document = JsonDocument.Parse(_text);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public int NJsonSchemaOverNewtonsoft() => _schema.ValidateWithNJsonSchema(_text).Count;

    [Benchmark]
    public int Compiled() => _schema.Validate(_document.RootElement).Count;

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
