using System.Numerics;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Scratch for <see cref="SourceWindowTable.GroupSources"/>: the selected targets and, per target, a
/// contiguous run of its sources. Reused, grows only.
/// </summary>
internal sealed class SourceGroups
{
    private int[] _targets = new int[64];
    private int[] _offsets = new int[65];
    private int[] _cursor = new int[64];
    private ulong[] _sources = new ulong[1024];
    private long[] _first = new long[1024];
    private long[] _last = new long[1024];
    private int[] _contacts = new int[1024];

    public int GroupCount { get; private set; }

    public void Reset() => GroupCount = 0;

    public int AddGroup(int targetSlot)
    {
        if (GroupCount == _targets.Length)
        {
            Array.Resize(ref _targets, GroupCount * 2);
            Array.Resize(ref _offsets, GroupCount * 2 + 1);
            Array.Resize(ref _cursor, GroupCount * 2);
        }

        _targets[GroupCount] = targetSlot;
        _cursor[GroupCount] = 0;
        return GroupCount++;
    }

    public int TargetOf(int group) => _targets[group];

    public void Count(int group, int sources) => _cursor[group] += sources;

    /// <summary>Turns counts into offsets (prefix sums) and sizes the columns.</summary>
    public void Allocate()
    {
        int total = 0;
        for (int g = 0; g < GroupCount; g++)
        {
            _offsets[g] = total;
            total += _cursor[g];
            _cursor[g] = _offsets[g];
        }

        _offsets[GroupCount] = total;
        if (total > _sources.Length)
        {
            int size = (int)Math.Min(int.MaxValue, BitOperations.RoundUpToPowerOf2((uint)total));
            _sources = new ulong[size];
            _first = new long[size];
            _last = new long[size];
            _contacts = new int[size];
        }
    }

    public void Place(int group, ulong source, long firstNs, long lastNs, int contacts)
    {
        int i = _cursor[group]++;
        _sources[i] = source;
        _first[i] = firstNs;
        _last[i] = lastNs;
        _contacts[i] = contacts;
    }

    /// <summary>Copies one group into an evaluation sample.</summary>
    public void Load(int group, SourceSample sample)
    {
        sample.Reset();
        for (int i = _offsets[group]; i < _offsets[group + 1]; i++)
        {
            sample.Add(_sources[i], _first[i], _last[i], _contacts[i]);
        }
    }
}
