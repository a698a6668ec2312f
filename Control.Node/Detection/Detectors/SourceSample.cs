using System.Collections.Immutable;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>Scratch columns for one evaluation (sources, their times and contact counts); reused, grows only.</summary>
internal sealed class SourceSample
{
    public ulong[] Sources = new ulong[256];
    public long[] FirstNs = new long[256];
    public long[] LastNs = new long[256];
    public int[] Contacts = new int[256];
    public long[] Scratch = new long[256];
    public ulong[] ScratchKeys = new ulong[256];

    public int Count { get; private set; }

    public void Reset() => Count = 0;

    public void Add(ulong source, long firstNs, long lastNs, int contacts)
    {
        if (Count == Sources.Length)
        {
            int size = Count * 2;
            Array.Resize(ref Sources, size);
            Array.Resize(ref FirstNs, size);
            Array.Resize(ref LastNs, size);
            Array.Resize(ref Contacts, size);
            Array.Resize(ref Scratch, size);
            Array.Resize(ref ScratchKeys, size);
        }

        Sources[Count] = source;
        FirstNs[Count] = firstNs;
        LastNs[Count] = lastNs;
        Contacts[Count] = contacts;
        Count++;
    }

    /// <summary>Copies the last-contact times into scratch (timing entropy sorts and overwrites its input).</summary>
    public Span<long> LastTimesCopy()
    {
        Span<long> copy = Scratch.AsSpan(0, Count);
        LastNs.AsSpan(0, Count).CopyTo(copy);
        return copy;
    }

    /// <summary>Sum of contacts.</summary>
    public int TotalContacts()
    {
        int total = 0;
        foreach (int c in Contacts.AsSpan(0, Count))
        {
            total += c;
        }

        return total;
    }

    /// <summary>Subject first, then the sources sorted, capped at <paramref name="max"/>.</summary>
    public ImmutableArray<ulong> NodeIds(ulong subject, int max)
    {
        Span<ulong> sorted = ScratchKeys.AsSpan(0, Count);
        Sources.AsSpan(0, Count).CopyTo(sorted);
        sorted.Sort();
        var builder = ImmutableArray.CreateBuilder<ulong>(Math.Min(max, Count + 1));
        builder.Add(subject);
        foreach (ulong s in sorted)
        {
            if (builder.Count >= max)
            {
                break;
            }

            if (s != subject)
            {
                builder.Add(s);
            }
        }

        return builder.ToImmutable();
    }
}
