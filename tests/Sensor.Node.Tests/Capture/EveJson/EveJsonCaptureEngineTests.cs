using NerfEngine.Sensor.Capture.EveJson;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Messages.Records;
using ManualTimeProvider = NerfEngine.Shared.Fabric.Actors.Testing.ManualTimeProvider;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>The eve-json engine end to end on a real file: start failures, waiting for the file, stats, stop.</summary>
public sealed class EveJsonCaptureEngineTests : IDisposable
{
    private readonly EveScratchFile _file = new();
    private readonly ManualTimeProvider _time = new();
    private readonly RecordingEdgeSink _sink = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task A_missing_file_fails_start_with_an_error_naming_the_path()
    {
        await using EveJsonCaptureEngine engine = Engine(EveTailStart.Beginning);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.StartsWith($"eve.json not found: {_file.Path}.", error.Message);
        Assert.Contains("--wait-for-file", error.Message);
        Assert.Equal("eve-json", error.Engine);
    }

    [Fact]
    public async Task A_directory_fails_start_with_an_error_saying_so()
    {
        await using var engine = new EveJsonCaptureEngine(
            new EveJsonCaptureOptions { Tailer = new EveTailerOptions { Path = _file.Directory } }, _sink, _time);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.StartsWith($"eve.json path is a directory, not a file: {_file.Directory}.", error.Message);
    }

    [Fact]
    public async Task An_unreadable_file_fails_start_with_a_permission_error()
    {
        _file.AppendLines(EveLines.Stats);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.SetUnixFileMode(_file.Path, UnixFileMode.None);
        if (CanStillRead(_file.Path))
        {
            // Root (CAP_DAC_OVERRIDE) reads any file: there is no permission error to provoke here.
            return;
        }

        await using EveJsonCaptureEngine engine = Engine(EveTailStart.Beginning);

        var error = await Assert.ThrowsAsync<CaptureStartException>(() => engine.StartAsync());

        Assert.StartsWith($"eve.json is not readable: {_file.Path} (permission denied).", error.Message);
    }

    [Fact]
    public async Task With_wait_for_file_the_engine_starts_and_reads_the_file_from_its_start_once_it_appears()
    {
        await using EveJsonCaptureEngine engine = Engine(EveTailStart.End, waitForFile: true);
        await engine.StartAsync();
        await EveJsonTailerTests.WaitUntil(() => _time.ArmedTimerCount == 1);
        Assert.False(engine.EveStats.Tailer.FileOpen);

        _file.AppendLines(EveLines.TcpFlowV4);
        _time.Advance(EveTailerOptions.DefaultPollInterval);
        await EveJsonTailerTests.WaitUntil(() => engine.Stats.EventsEmitted == 2);

        Assert.Equal([EdgeKind.Open, EdgeKind.Close], _sink.Edges.Select(e => e.Kind));
    }

    [Fact]
    public async Task Lines_written_while_running_become_edges_and_every_line_is_accounted_for()
    {
        _file.AppendLines(EveLines.Http);
        await using EveJsonCaptureEngine engine = Engine(EveTailStart.End);
        await engine.StartAsync();
        await EveJsonTailerTests.WaitUntil(() => _time.ArmedTimerCount == 1);

        _file.AppendLines([.. EveLines.All, "{\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\"}", "garbage"]);
        _time.Advance(EveTailerOptions.DefaultPollInterval);
        await EveJsonTailerTests.WaitUntil(() => engine.Stats.PacketsCaptured == EveLines.All.Count + 2);

        CaptureStats stats = engine.Stats;
        EveJsonStats eve = engine.EveStats;
        // 3 flows × 2 edges, 1 alert, 2 DNS queries.
        Assert.Equal((11L, 9L, 2L, 0L, 0L), (stats.PacketsCaptured, stats.EventsEmitted, stats.ParseErrors, stats.KernelDrops, stats.FreezeQueueCount));
        Assert.Equal(stats.PacketsCaptured, eve.Mapping.Lines);
        Assert.Equal(1, eve.Mapping.Outcomes[EveLineOutcome.MissingAddress]);
        Assert.Equal(1, eve.Mapping.Outcomes[EveLineOutcome.MalformedJson]);
        Assert.Equal($"line 11 of the lines read: {EveLineOutcome.MalformedJson.Describe()}", stats.LastError);
        Assert.Equal(9, _sink.Edges.Count);
        Assert.Equal("eve-json", engine.Name);
    }

    [Fact]
    public async Task An_alert_observer_receives_the_rule_beside_the_edge()
    {
        var alerts = new List<EveAlert>();
        _file.AppendLines(EveLines.SshScanAlertV4);
        await using var engine = new EveJsonCaptureEngine(Options(EveTailStart.Beginning), _sink, _time, alertObserver: alerts.Add);

        await engine.StartAsync();
        await EveJsonTailerTests.WaitUntil(() => engine.Stats.EventsEmitted == 1);

        Assert.Equal(2001219u, Assert.Single(alerts).SignatureId);
    }

    [Fact]
    public async Task A_throwing_sink_is_counted_and_reading_goes_on()
    {
        _file.AppendLines(EveLines.TcpFlowV4, EveLines.Stats);
        await using var engine = new EveJsonCaptureEngine(Options(EveTailStart.Beginning), new ThrowingSink(), _time);

        await engine.StartAsync();
        await EveJsonTailerTests.WaitUntil(() => engine.Stats.PacketsCaptured == 2);

        Assert.Equal(1, engine.EveStats.SinkFailures);
        Assert.Equal(1, engine.EveStats.Mapping.IgnoredEventTypes["stats"]);
        Assert.Equal("edge sink failed: refused", engine.Stats.LastError);
    }

    [Fact]
    public async Task Stop_closes_the_file_and_can_be_called_twice()
    {
        _file.AppendLines(EveLines.DnsQueryV4);
        EveJsonCaptureEngine engine = Engine(EveTailStart.Beginning);
        await engine.StartAsync();
        await EveJsonTailerTests.WaitUntil(() => engine.Stats.EventsEmitted == 1);

        await engine.StopAsync();
        await engine.StopAsync();
        await engine.DisposeAsync();

        Assert.False(engine.EveStats.Tailer.FileOpen);
        Assert.Equal(0, _time.ArmedTimerCount);
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.StartAsync());
    }

    private EveJsonCaptureEngine Engine(EveTailStart start, bool waitForFile = false) => new(Options(start, waitForFile), _sink, _time);

    private EveJsonCaptureOptions Options(EveTailStart start, bool waitForFile = false) => new()
    {
        Tailer = new EveTailerOptions { Path = _file.Path, Start = start },
        WaitForFile = waitForFile,
    };

    private static bool CanStillRead(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed class ThrowingSink : NerfEngine.Sensor.Flows.IEdgeSink
    {
        public void OnEdge(in GraphEdge edge) => throw new InvalidOperationException("refused");

        public void OnNodeAddress(in NodeAddress address)
        {
        }

        public void OnFlowEnded(in NerfEngine.Sensor.Flows.FlowSummary flow)
        {
        }
    }
}
