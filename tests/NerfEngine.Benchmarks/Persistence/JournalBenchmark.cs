using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Postgres;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;
using Npgsql;

namespace NerfEngine.Benchmarks.Persistence;

/// <summary>
/// Journal throughput: batched append (100 batches of 1,000 events, 100-byte payloads) and recovery read
/// (streaming 100,000 events of one id), SQLite as the baseline of each category. One operation = one event,
/// so the Op/s column is events per second.
/// Run: <c>dotnet run -c Release --project tests/NerfEngine.Benchmarks -- --filter '*JournalBenchmark*'</c>
/// (PostgreSQL from <c>NERF_TEST_POSTGRES</c>, default the local test server).
/// </summary>
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class JournalBenchmark
{
    private const int EventCount = 100_000;
    private const int BatchSize = 1_000;
    private const int PayloadBytes = 100;
    private const string RecoveryId = "recovery";

    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), $"nerf-bench-{Guid.NewGuid():N}.db");
    private readonly string _schema = $"nerf_bench_{Guid.NewGuid():N}";
    private readonly string _postgres =
        Environment.GetEnvironmentVariable("NERF_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=nerf;Password=nerf;Database=nerf_test";

    private EventToAppend[][] _batches = [];
    private IEventJournal _sqlite = null!;
    private IEventJournal _pg = null!;
    private int _nextId;

    /// <summary>Synchronous on purpose: the in-process toolchain does not await async setup methods.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var random = new Random(42);
        _batches = Enumerable.Range(0, EventCount / BatchSize)
            .Select(_ => Enumerable.Range(0, BatchSize).Select(_ =>
            {
                var payload = new byte[PayloadBytes];
                random.NextBytes(payload);
                return new EventToAppend("bench.edge-batch.v1", payload);
            }).ToArray())
            .ToArray();
        _sqlite = await SqliteEventJournal.OpenAsync($"Data Source={_sqlitePath}");
        _pg = await PostgresEventJournal.OpenAsync(_postgres, _schema);
        await AppendAllAsync(_sqlite, RecoveryId);
        await AppendAllAsync(_pg, RecoveryId);
    }

    private async Task CleanupAsync()
    {
        await _sqlite.DisposeAsync();
        await _pg.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_sqlitePath + suffix);
        }

        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Append")]
    public Task Append_Sqlite() => AppendAllAsync(_sqlite, $"append-{Interlocked.Increment(ref _nextId)}");

    [Benchmark(OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Append")]
    public Task Append_Postgres() => AppendAllAsync(_pg, $"append-{Interlocked.Increment(ref _nextId)}");

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Recover")]
    public Task<long> Recover_Sqlite() => ReadAllAsync(_sqlite);

    [Benchmark(OperationsPerInvoke = EventCount)]
    [BenchmarkCategory("Recover")]
    public Task<long> Recover_Postgres() => ReadAllAsync(_pg);

    private async Task AppendAllAsync(IEventJournal journal, string persistenceId)
    {
        long expected = 0;
        foreach (var batch in _batches)
        {
            expected = (await journal.AppendAsync(persistenceId, expected, batch)).LastSequenceNr;
        }
    }

    private static async Task<long> ReadAllAsync(IEventJournal journal)
    {
        long count = 0;
        await foreach (var e in journal.ReadEventsAsync(RecoveryId))
        {
            count += e.Payload.Length > 0 ? 1 : 0;
        }

        return count == EventCount ? count : throw new InvalidOperationException($"read {count} events, expected {EventCount}");
    }

    /// <summary>In-process, few long iterations: each invocation moves 100,000 events, so statistics need little repetition.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }
}
