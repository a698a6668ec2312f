using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Detectors;

/// <summary>A contact's table hashes, computed once and used by both prefetch stages and the probe itself.</summary>
internal struct ContactHashes
{
    public int A, B, C;
}

/// <summary>What <see cref="ContactRuns.Observe"/> drives: a stage that acts on contacts (OPEN records) only.</summary>
/// <remarks>Implemented by a struct wrapping the detector, so the generic loop is specialised and its calls inlined.</remarks>
internal interface IContactStage
{
    /// <summary>Newest record timestamp − 1 observed (the per-record loop's watermark).</summary>
    long Watermark { get; set; }

    /// <summary>The watermark at which the stage has event-time work due (a window close, a sweep).</summary>
    long WorkDueNs { get; }

    /// <summary>Records of any kind folded in (counter).</summary>
    void CountRecords(int records);

    /// <summary>Does the work due by <paramref name="nowNs"/>; the watermark is already there.</summary>
    void DoWork(long nowNs);

    /// <summary>The table hashes <see cref="Observe"/> will need for this contact.</summary>
    ContactHashes Hash(in GraphEdge contact);

    /// <summary>Starts loading the table slots a later <see cref="Observe"/> of the contact with these hashes will probe.</summary>
    void Prefetch(in ContactHashes hashes);

    /// <summary>A first prefetch stage, twice as far ahead, for tables whose lookup is two dependent misses; may do nothing.</summary>
    void PrefetchEarly(in ContactHashes hashes);

    /// <summary>Folds one contact in; the watermark already covers it.</summary>
    void Observe(in GraphEdge contact, in ContactHashes hashes);
}

/// <summary>
/// The batch loop of the contact-only stages (drift, fan-in, attractor). Testing each record's kind
/// is a branch the CPU cannot predict (a quarter of the records are contacts, in no pattern), paid
/// in every stage; instead <see cref="Collect"/> gathers a run of contact indices without branching
/// on the kind while moving event time record by record, and the run is processed with prefetches a
/// few contacts (not records) ahead. Event-time work happens exactly where the per-record loop
/// (<c>Observe(in GraphEdge)</c>) would do it: before the first record that reaches its due time.
/// </summary>
internal static class ContactRuns
{
    /// <summary>Contacts per run.</summary>
    public const int MaxRun = 256;

    /// <summary>
    /// Folds <paramref name="batch"/> into <paramref name="stage"/>, prefetching <paramref name="prefetchDistance"/>
    /// contacts ahead (and twice that for <see cref="IContactStage.PrefetchEarly"/>).
    /// </summary>
    public static void Observe<TStage>(ReadOnlySpan<GraphEdge> batch, TStage stage, int prefetchDistance)
        where TStage : struct, IContactStage
    {
        Span<int> contacts = stackalloc int[MaxRun];
        Span<ContactHashes> hashes = stackalloc ContactHashes[MaxRun];
        int i = 0;
        while (i < batch.Length)
        {
            long watermark = stage.Watermark, due = stage.WorkDueNs;
            long advanced = watermark;
            int stop = Collect(batch, i, ref advanced, due, contacts, out int count);
            stage.Watermark = advanced;
            for (int k = 0; k < count; k++)
            {
                hashes[k] = stage.Hash(batch[contacts[k]]);
            }

            for (int k = 0; k < count; k++)
            {
                if (k + 2 * prefetchDistance < count)
                {
                    stage.PrefetchEarly(hashes[k + 2 * prefetchDistance]);
                }

                if (k + prefetchDistance < count)
                {
                    stage.Prefetch(hashes[k + prefetchDistance]);
                }

                stage.Observe(batch[contacts[k]], hashes[k]);
                if (stage.WorkDueNs != due && k + 1 < count)
                {
                    // The contact scheduled work (a first window, an evaluation): the records after it
                    // must be scanned against the new due time, from the watermark as it stood then.
                    stop = contacts[k] + 1;
                    stage.Watermark = WatermarkThrough(batch, i, contacts[k], watermark);
                    break;
                }
            }

            stage.CountRecords(stop - i);
            if (stop < batch.Length)
            {
                long t = (long)batch[stop].TimestampNs - 1;
                if (t > stage.Watermark && t >= stage.WorkDueNs)
                {
                    stage.Watermark = t;
                    stage.DoWork(t);
                }
            }

            i = stop;
        }
    }

    /// <summary>
    /// Scans <paramref name="batch"/> from <paramref name="from"/>, moving <paramref name="watermark"/>
    /// record by record and collecting the indices of contacts, and stops before the first record that
    /// would move the watermark to <paramref name="dueNs"/> or beyond, or once <paramref name="contacts"/>
    /// is full. Returns where it stopped.
    /// </summary>
    private static int Collect(ReadOnlySpan<GraphEdge> batch, int from, ref long watermark, long dueNs, Span<int> contacts, out int count)
    {
        long wm = watermark;
        int n = 0;
        int i = from;
        while (i < batch.Length)
        {
            ref readonly GraphEdge e = ref batch[i];
            long t = (long)e.TimestampNs - 1;
            if (t > wm)
            {
                if (t >= dueNs)
                {
                    break;
                }

                wm = t;
            }

            contacts[n] = i++;
            n += e.Kind == EdgeKind.Open ? 1 : 0; // no branch: the slot is overwritten unless it was a contact
            if (n == contacts.Length)
            {
                break;
            }
        }

        watermark = wm;
        count = n;
        return i;
    }

    /// <summary>The watermark as it stood right after record <paramref name="upTo"/>.</summary>
    private static long WatermarkThrough(ReadOnlySpan<GraphEdge> batch, int from, int upTo, long watermark)
    {
        for (int i = from; i <= upTo; i++)
        {
            watermark = Math.Max(watermark, (long)batch[i].TimestampNs - 1);
        }

        return watermark;
    }
}
