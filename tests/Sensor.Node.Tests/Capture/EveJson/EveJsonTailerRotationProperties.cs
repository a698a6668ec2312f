using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Capture.EveJson;
using ManualTimeProvider = NerfEngine.Shared.Fabric.Actors.Testing.ManualTimeProvider;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>
/// Random interleavings of a writer (whole lines, lines flushed in pieces), a rotator (rename+create,
/// copytruncate) and the tailer's polls: whatever the order, the tailer hands on exactly the lines
/// written, in order, once each. The rotator behaves as logrotate does with Suricata: a rename happens
/// after Suricata finished its line, a copytruncate after the tailer caught up (what it truncates
/// unread is lost by copytruncate's design, not the tailer's).
/// </summary>
public sealed class EveJsonTailerRotationProperties
{
    public enum Step
    {
        WriteLines,
        WritePartOfALine,
        Poll,
        AdvanceClock,
        RotateByRename,
        CopyTruncate,
    }

    [Fact]
    public void Any_interleaving_of_writes_rotations_and_polls_delivers_every_line_exactly_once_in_order()
    {
        Gen<Step[]> scripts = Gen.ArrayOf(Gen.Elements(Enum.GetValues<Step>()));

        Prop.ForAll(scripts.ToArbitrary(), script => Run(script)).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void A_file_truncated_and_refilled_to_the_same_length_ending_in_a_newline_is_read_again_from_its_start()
    {
        // Found by the property above (seed 7071389089184187738,9893023393288490395): after the copytruncate the writer
        // refilled the file to exactly the length read before, with a newline at the same place, then it was renamed.
        Step[] script =
        [
            Step.WriteLines, Step.AdvanceClock, Step.Poll, Step.AdvanceClock, Step.WriteLines, Step.CopyTruncate,
            Step.WriteLines, Step.WritePartOfALine, Step.RotateByRename, Step.AdvanceClock, Step.RotateByRename, Step.RotateByRename,
        ];

        Assert.True(Run(script));
    }

    private static bool Run(Step[] script)
    {
        using var file = new EveScratchFile();
        var time = new ManualTimeProvider();
        var recorder = new LineRecorder();
        var written = new List<string>();
        string pending = string.Empty;
        int rotations = 0;
        using var tailer = new EveJsonTailer(new EveTailerOptions { Path = file.Path, Start = EveTailStart.Beginning, ReadChunkSize = 64 }, time);
        File.WriteAllBytes(file.Path, []);
        // As the engine does at start: a file the tailer never opened is not one it can drain.
        tailer.TryOpen();

        foreach (Step step in script)
        {
            switch (step)
            {
                case Step.WriteLines:
                    string[] lines = [$"{{\"n\":{written.Count}}}", $"{{\"n\":{written.Count + 1},\"pad\":\"{new string('p', written.Count * 7 % 90)}\"}}"];
                    file.Append(string.Join('\n', lines) + "\n");
                    written.Add(pending + lines[0]);
                    written.Add(lines[1]);
                    pending = string.Empty;
                    break;
                case Step.WritePartOfALine:
                    string part = $"{{\"part\":{written.Count},";
                    file.Append(part);
                    pending += part;
                    break;
                case Step.Poll:
                    tailer.Poll(recorder);
                    break;
                case Step.AdvanceClock:
                    time.Advance(TimeSpan.FromMilliseconds(400));
                    tailer.Poll(recorder);
                    break;
                case Step.RotateByRename when tailer.Stats.Rotations == rotations:
                    // Suricata completes its line, then logrotate renames and creates.
                    if (pending.Length > 0)
                    {
                        file.Append("\n");
                        written.Add(pending);
                        pending = string.Empty;
                    }

                    file.RotateByRename();
                    rotations++;
                    break;
                case Step.CopyTruncate when pending.Length == 0 && tailer.Stats.Rotations == rotations:
                    tailer.Poll(recorder);
                    file.CopyTruncate();
                    break;
            }
        }

        if (pending.Length > 0)
        {
            file.Append("\n");
            written.Add(pending);
        }

        for (int i = 0; i < 4; i++)
        {
            tailer.Poll(recorder);
            time.Advance(EveTailerOptions.DefaultRotationQuietPeriod);
        }

        tailer.Poll(recorder);
        return recorder.Lines.SequenceEqual(written) && recorder.Skipped.Count == 0;
    }
}
