using System.Text;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Counts of event types the mapper does not turn into edges (stats, http, tls, fileinfo, …), by
/// name, so an operator can see what the sensor is passing over. Bounded: types beyond the bound, or
/// names too long to be real, share <see cref="EveMapperOptions.OtherEventTypes"/>. The name string
/// is allocated once per type, not per line.
/// </summary>
internal sealed class EveEventTypeCounter
{
    /// <summary>Longest type name counted by name; Suricata's longest is about 20 characters.</summary>
    private const int MaxNameChars = 64;

    private readonly Lock _lock = new();
    private readonly int _capacity;

    /// <summary>Counts by type name; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Span-keyed view of <see cref="_counts"/>, so a known name is found without a string.</summary>
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public EveEventTypeCounter(int capacity)
    {
        _capacity = capacity;
        _bySpan = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Counts one event of the UTF-8 type name <paramref name="type"/>.</summary>
    public void Count(ReadOnlySpan<byte> type)
    {
        Span<char> buffer = stackalloc char[MaxNameChars];
        ReadOnlySpan<char> name = Encoding.UTF8.TryGetChars(type, buffer, out int length)
            ? buffer[..length]
            : EveMapperOptions.OtherEventTypes;
        lock (_lock)
        {
            if (_bySpan.TryGetValue(name, out long count))
            {
                _bySpan[name] = count + 1;
            }
            else if (_counts.Count < _capacity)
            {
                _bySpan[name] = 1;
            }
            else
            {
                _counts[EveMapperOptions.OtherEventTypes] = _counts.GetValueOrDefault(EveMapperOptions.OtherEventTypes) + 1;
            }
        }
    }

    /// <summary>A copy of the counts.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
        }
    }
}
