using NerfEngine.Sensor.Capture.EveJson;
using ManualTimeProvider = NerfEngine.Shared.Fabric.Actors.Testing.ManualTimeProvider;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>
/// The tailer on real files in a temp directory: complete lines only, rotation by rename and by
/// copytruncate without loss or duplicates, start position, line bound. Polls are driven by hand and
/// the quiet period runs on a manual clock, so every scenario is deterministic.
/// </summary>
public sealed class EveJsonTailerTests : IDisposable
{
    private readonly EveScratchFile _file = new();
    private readonly ManualTimeProvider _time = new();
    private readonly LineRecorder _recorder = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void From_the_beginning_every_complete_line_is_read_and_a_partial_last_line_waits()
    {
        _file.AppendLines("one", "two");
        _file.Append("thr");
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);

        long read = tailer.Poll(_recorder);

        Assert.Equal(2, read);
        Assert.Equal(["one", "two"], _recorder.Lines);
    }

    [Fact]
    public void A_partial_line_completed_later_is_delivered_once_and_whole()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.Append("{\"event_type\":");
        tailer.Poll(_recorder);
        _file.Append("\"stats\"}");
        tailer.Poll(_recorder);
        Assert.Empty(_recorder.Lines);

        _file.Append("\nnext\n");
        tailer.Poll(_recorder);

        Assert.Equal(["{\"event_type\":\"stats\"}", "next"], _recorder.Lines);
    }

    [Fact]
    public void From_the_end_history_is_skipped_but_the_line_being_written_is_read_when_it_completes()
    {
        _file.AppendLines("old-1", "old-2");
        _file.Append("being-wri");
        using EveJsonTailer tailer = Tailer(EveTailStart.End);

        tailer.Poll(_recorder);
        _file.Append("tten\nnew\n");
        tailer.Poll(_recorder);

        Assert.Equal(["being-written", "new"], _recorder.Lines);
    }

    [Fact]
    public void From_the_end_a_file_ending_with_a_newline_yields_only_what_comes_after()
    {
        _file.AppendLines("old-1", "old-2");
        using EveJsonTailer tailer = Tailer(EveTailStart.End);
        tailer.Poll(_recorder);

        _file.AppendLines("new");
        tailer.Poll(_recorder);

        Assert.Equal(["new"], _recorder.Lines);
    }

    [Fact]
    public void Carriage_returns_before_the_newline_are_not_part_of_the_line()
    {
        _file.Append("crlf\r\nlf\n");
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);

        tailer.Poll(_recorder);

        Assert.Equal(["crlf", "lf"], _recorder.Lines);
    }

    [Fact]
    public void Rotation_by_rename_drains_the_old_file_then_reads_the_new_one_from_its_start_without_loss_or_duplicates()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.AppendLines("a1", "a2");
        tailer.Poll(_recorder);

        string rotated = _file.RotateByRename();
        // Suricata keeps writing the old file until it is told to reopen; the new one fills meanwhile.
        EveScratchFile.Append(rotated, "a3\na4-par");
        _file.AppendLines("b1");
        tailer.Poll(_recorder);
        EveScratchFile.Append(rotated, "tial\n");
        tailer.Poll(_recorder);
        Assert.Equal(["a1", "a2", "a3", "a4-partial"], _recorder.Lines);

        _time.Advance(EveTailerOptions.DefaultRotationQuietPeriod);
        tailer.Poll(_recorder);
        _file.AppendLines("b2");
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "a2", "a3", "a4-partial", "b1", "b2"], _recorder.Lines);
        Assert.Equal(1, tailer.Stats.Rotations);
        Assert.Equal(0, tailer.Stats.UnterminatedLinesAtRotation);
    }

    [Fact]
    public void The_switch_waits_until_the_old_file_has_been_quiet_for_the_quiet_period()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.AppendLines("a1");
        tailer.Poll(_recorder);
        string rotated = _file.RotateByRename();
        _file.AppendLines("b1");
        tailer.Poll(_recorder);

        _time.Advance(TimeSpan.FromMilliseconds(900));
        EveScratchFile.Append(rotated, "a2\n");
        tailer.Poll(_recorder);
        _time.Advance(TimeSpan.FromMilliseconds(900));
        tailer.Poll(_recorder);
        Assert.Equal(["a1", "a2"], _recorder.Lines);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "a2", "b1"], _recorder.Lines);
    }

    [Fact]
    public void A_rotated_file_whose_last_line_has_no_newline_hands_that_line_on_at_the_switch()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning, quietPeriod: TimeSpan.Zero);
        _file.Append("a1\nlast-without-newline");
        tailer.Poll(_recorder);

        _file.RotateByRename();
        _file.AppendLines("b1");
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "last-without-newline", "b1"], _recorder.Lines);
        Assert.Equal(1, tailer.Stats.UnterminatedLinesAtRotation);
    }

    [Fact]
    public void Renamed_away_with_no_new_file_yet_keeps_reading_the_old_file_then_follows_the_new_one()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning, quietPeriod: TimeSpan.Zero);
        _file.AppendLines("a1");
        tailer.Poll(_recorder);

        string rotated = _file.RotateByRename(createNew: false);
        EveScratchFile.Append(rotated, "a2\n");
        tailer.Poll(_recorder);
        Assert.True(tailer.IsOpen);

        _file.AppendLines("b1");
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "a2", "b1"], _recorder.Lines);
    }

    [Fact]
    public void Copytruncate_restarts_at_the_start_of_the_file_and_reads_each_new_line_once()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.AppendLines("a1", "a2", "a3");
        tailer.Poll(_recorder);

        _file.CopyTruncate();
        _file.AppendLines("b1");
        tailer.Poll(_recorder);
        _file.AppendLines("b2");
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "a2", "a3", "b1", "b2"], _recorder.Lines);
        Assert.Equal(1, tailer.Stats.Truncations);
        Assert.Equal(0, tailer.Stats.Rotations);
    }

    [Fact]
    public void Copytruncate_counts_the_start_of_a_line_it_cut_off()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.Append("a1\npartial-a2");
        tailer.Poll(_recorder);

        _file.CopyTruncate();
        tailer.Poll(_recorder);

        Assert.Equal(["a1"], _recorder.Lines);
        Assert.Equal([(EveSkipReason.CutByTruncation, "partial-a2".Length)], _recorder.Skipped);
        Assert.Equal(1, tailer.Stats.LinesCutByTruncation);
    }

    [Fact]
    public void A_file_truncated_and_refilled_past_the_read_position_between_two_polls_is_read_from_its_start()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.AppendLines("a1");
        tailer.Poll(_recorder);

        _file.CopyTruncate();
        _file.AppendLines("b1-longer-than-a1", "b2");
        tailer.Poll(_recorder);

        Assert.Equal(["a1", "b1-longer-than-a1", "b2"], _recorder.Lines);
        Assert.Equal(1, tailer.Stats.Truncations);
    }

    [Fact]
    public void Over_long_lines_are_counted_and_skipped_and_reading_resumes_after_them()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning, maxLineLength: 100, readChunk: 64);
        string atLimit = new('x', 100);
        string tooLong = new('y', 250);
        _file.AppendLines("short", tooLong, atLimit);
        _file.Append(new string('z', 150));
        tailer.Poll(_recorder);
        _file.Append("zz\nafter\n");
        tailer.Poll(_recorder);

        Assert.Equal(["short", atLimit, "after"], _recorder.Lines);
        Assert.Equal([(EveSkipReason.LineTooLong, 250L), (EveSkipReason.LineTooLong, 152L)], _recorder.Skipped);
        Assert.Equal(5, tailer.Stats.LinesRead);
        Assert.Equal(2, tailer.Stats.LinesTooLong);
    }

    [Fact]
    public void A_line_growing_past_the_limit_in_one_read_is_skipped_the_same_way()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning, maxLineLength: 10, readChunk: 4096);
        _file.AppendLines("0123456789", "0123456789A", "ok");

        tailer.Poll(_recorder);

        Assert.Equal(["0123456789", "ok"], _recorder.Lines);
        Assert.Equal([(EveSkipReason.LineTooLong, 11L)], _recorder.Skipped);
    }

    [Fact]
    public void A_missing_file_is_waited_for_and_read_from_its_start_once_it_appears_even_when_starting_at_the_end()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.End);
        Assert.False(tailer.TryOpen());
        tailer.Poll(_recorder);
        Assert.False(tailer.Stats.FileOpen);

        _file.AppendLines("first", "second");
        tailer.Poll(_recorder);

        Assert.Equal(["first", "second"], _recorder.Lines);
        Assert.True(tailer.Stats.FileOpen);
    }

    [Fact]
    public async Task The_run_loop_polls_once_per_interval_of_its_clock()
    {
        using EveJsonTailer tailer = Tailer(EveTailStart.Beginning);
        _file.AppendLines("first");
        using var stop = new CancellationTokenSource();
        Task run = tailer.RunAsync(_recorder, onReadError: null, stop.Token);
        await WaitUntil(() => _time.ArmedTimerCount == 1);
        Assert.Equal(["first"], _recorder.Lines);

        _file.AppendLines("second");
        _time.Advance(EveTailerOptions.DefaultPollInterval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, tailer.Stats.Polls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => tailer.Stats.Polls == 2 && _time.ArmedTimerCount == 1);

        Assert.Equal(["first", "second"], _recorder.Lines);
        await stop.CancelAsync();
        await run;
    }

    private EveJsonTailer Tailer(EveTailStart start, TimeSpan? quietPeriod = null, int maxLineLength = EveTailerOptions.DefaultMaxLineLength,
        int readChunk = EveTailerOptions.DefaultReadChunkSize) =>
        new(new EveTailerOptions
        {
            Path = _file.Path,
            Start = start,
            RotationQuietPeriod = quietPeriod ?? EveTailerOptions.DefaultRotationQuietPeriod,
            MaxLineLength = maxLineLength,
            ReadChunkSize = readChunk,
        }, _time);

    internal static async Task WaitUntil(Func<bool> condition)
    {
        // Real time only bounds the wait for a thread-pool continuation; the clock under test is manual.
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the condition.");
            await Task.Delay(5);
        }
    }
}
