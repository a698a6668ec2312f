using System.Text;
using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>Keeps the lines and skips a tailer hands on, as strings, in order.</summary>
internal sealed class LineRecorder : IEveLineHandler
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(EveSkipReason Reason, long Length)> _skipped = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<(EveSkipReason Reason, long Length)> Skipped
    {
        get
        {
            lock (_lock)
            {
                return [.. _skipped];
            }
        }
    }

    public void OnLine(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            _lines.Add(Encoding.UTF8.GetString(line));
        }
    }

    public void OnSkippedLine(EveSkipReason reason, long length)
    {
        lock (_lock)
        {
            _skipped.Add((reason, length));
        }
    }
}
