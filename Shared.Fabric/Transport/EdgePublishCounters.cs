namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>Publishing counters of a transport, summed over its partitions.</summary>
public readonly record struct EdgePublishCounters(long Published, long Confirmed, long Dropped)
{
    /// <summary>The sums of <see cref="IEdgeBatchTransport.GetMetrics"/> over every partition.</summary>
    public static EdgePublishCounters Read(IEdgeBatchTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        long published = 0, confirmed = 0, dropped = 0;
        for (int p = 0; p < transport.PartitionCount; p++)
        {
            PartitionMetricsSnapshot m = transport.GetMetrics(p);
            published += m.Published;
            confirmed += m.Confirmed;
            dropped += m.Dropped;
        }

        return new EdgePublishCounters(published, confirmed, dropped);
    }
}
