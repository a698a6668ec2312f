using System.Globalization;
using System.Text;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// What one stream delivered: events accepted (taken by the live-ingest queue, whatever its filter then decided)
/// and rejected (invalid, or unmappable to an edge), per queue outcome, and the first rejection reasons. Becomes the
/// <see cref="StreamSummary"/> the shipper receives, so nothing is dropped without the sender being told.
/// </summary>
public sealed class StreamTally
{
    private readonly int _maxReasons;
    private readonly List<EventRejection> _reasons = [];
    private readonly long[] _offered = new long[Enum.GetValues<LiveOfferOutcome>().Length];

    public StreamTally(int maxReasons)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxReasons);
        _maxReasons = maxReasons;
    }

    /// <summary>Events read from the stream so far (accepted + rejected).</summary>
    public long Events => Accepted + Rejected;

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>Events the queue answered with <paramref name="outcome"/>.</summary>
    public long Offered(LiveOfferOutcome outcome) => _offered[(int)outcome];

    /// <summary>Counts the queue's answer for an event that passed validation.</summary>
    public void RecordOffer(LiveOfferOutcome outcome)
    {
        _offered[(int)outcome]++;
        if (outcome != LiveOfferOutcome.Unmappable)
        {
            Accepted++;
        }
    }

    /// <summary>Counts a rejected event (and keeps its reason while fewer than the quota are kept).</summary>
    public void RecordRejection(EventRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        Rejected++;
        if (_reasons.Count < _maxReasons)
        {
            _reasons.Add(rejection);
        }
    }

    /// <summary>The reply: counts and a message that breaks them down and quotes the first rejections.</summary>
    public StreamSummary ToSummary() => new() { Accepted = (ulong)Accepted, Rejected = (ulong)Rejected, Message = Describe() };

    /// <summary>
    /// "accepted 5 of 7 events (queued 3; dropped by the live-ingest filter: 1 above baseline, 1 low novelty, 0 queue
    /// full); rejected 2: event #2 (id e-2): type is empty; …".
    /// </summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append(ci, $"accepted {Accepted} of {Events} event{(Events == 1 ? "" : "s")} (queued {Offered(LiveOfferOutcome.Queued)}");
        var filtered = Offered(LiveOfferOutcome.DroppedAboveBaseline) + Offered(LiveOfferOutcome.DroppedLowNovelty) + Offered(LiveOfferOutcome.DroppedQueueFull);
        if (filtered > 0)
        {
            sb.Append(ci, $"; dropped by the live-ingest queue: {Offered(LiveOfferOutcome.DroppedAboveBaseline)} above the type's baseline, ");
            sb.Append(ci, $"{Offered(LiveOfferOutcome.DroppedLowNovelty)} low novelty, {Offered(LiveOfferOutcome.DroppedQueueFull)} queue full");
        }

        sb.Append(')');
        if (Rejected > 0)
        {
            sb.Append(ci, $"; rejected {Rejected}");
            var separator = ": ";
            foreach (var r in _reasons)
            {
                sb.Append(separator).Append(r);
                separator = "; ";
            }

            if (Rejected > _reasons.Count)
            {
                sb.Append(ci, $"; and {Rejected - _reasons.Count} more");
            }
        }

        return sb.ToString();
    }
}
