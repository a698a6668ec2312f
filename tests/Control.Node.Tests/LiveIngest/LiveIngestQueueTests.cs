using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>The queue: bounded with counted drops, the filters in front of it, unmappable events by reason, and thread safety.</summary>
public sealed class LiveIngestQueueTests
{
    [Fact]
    public void Offers_past_the_capacity_are_dropped_and_counted()
    {
        var queue = new LiveIngestQueue(new LiveIngestOptions { Capacity = 3 }, new ManualTimeProvider());
        var outcomes = Enumerable.Range(0, 5).Select(i => queue.Offer(LiveEvents.Distinct(i))).ToList();
        Assert.Equal([LiveOfferOutcome.Queued, LiveOfferOutcome.Queued, LiveOfferOutcome.Queued, LiveOfferOutcome.DroppedQueueFull, LiveOfferOutcome.DroppedQueueFull], outcomes);
        var stats = queue.Snapshot();
        Assert.Equal(3, stats.Depth);
        Assert.Equal(5, stats.Offered);
        Assert.Equal(2, stats.DroppedQueueFull);

        // A dropped event was not remembered as seen: once there is room it is queued, not called old.
        queue.DiscardFront(1);
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Distinct(3)));
        Assert.Equal(["10.2.0.2", "10.2.0.3", "10.2.0.4"], queue.PeekFront(10).Select(e => e.Event.Entity("dest_ip")));
    }

    [Fact]
    public void A_repeat_of_a_recent_edge_is_dropped_as_low_novelty()
    {
        var time = new ManualTimeProvider();
        var queue = new LiveIngestQueue(new LiveIngestOptions(), time);
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 443)));
        Assert.Equal(LiveOfferOutcome.DroppedLowNovelty, queue.Offer(LiveEvents.Event("alert", "10.0.0.1", "10.0.0.2", 443, srcPort: 50000)));
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 22)));
        time.Advance(LiveIngestOptions.DefaultNoveltyWindow);
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 443)));
        var stats = queue.Snapshot();
        Assert.Equal(1, stats.DroppedLowNovelty);
        Assert.Equal(3, stats.Depth);
        Assert.Equal(4, stats.Sources.Single().Offered);

        var lenient = new LiveIngestQueue(new LiveIngestOptions { NoveltyFilterEnabled = false }, time);
        Assert.Equal(LiveOfferOutcome.Queued, lenient.Offer(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 443)));
        Assert.Equal(LiveOfferOutcome.Queued, lenient.Offer(LiveEvents.Event("flow", "10.0.0.1", "10.0.0.2", 443)));
    }

    [Fact]
    public void A_burst_of_one_type_above_its_baseline_is_dropped_and_counted_while_other_types_pass()
    {
        var time = new ManualTimeProvider();
        var queue = new LiveIngestQueue(new LiveIngestOptions { Capacity = 100_000 }, time);
        var i = 0;
        for (var tenth = 0; tenth < 1200; tenth++)
        {
            Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Distinct(i++)));
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var burst = Enumerable.Range(0, 500).Select(_ => queue.Offer(LiveEvents.Distinct(i++))).ToList();
        Assert.Equal(480, burst.Count(o => o == LiveOfferOutcome.DroppedAboveBaseline));
        Assert.Equal(LiveOfferOutcome.Queued, queue.Offer(LiveEvents.Distinct(i++, type: "dns")));
        var stats = queue.Snapshot();
        Assert.Equal(480, stats.DroppedAboveBaseline);
        Assert.Equal(480, stats.FrequencyFilter.Types.Single(t => t.Type == "flow").Dropped);
    }

    [Fact]
    public void Events_that_cannot_become_an_edge_are_counted_by_reason()
    {
        var queue = new LiveIngestQueue(new LiveIngestOptions(), new ManualTimeProvider());
        Assert.Equal(LiveOfferOutcome.Unmappable, queue.Offer(LiveEvents.Raw("flow", ("dest_ip", "10.0.0.2"), ("proto", "TCP"))));
        Assert.Equal(LiveOfferOutcome.Unmappable, queue.Offer(LiveEvents.Event("flow", "10.0.0.300", "10.0.0.2", 80)));
        Assert.Equal(LiveOfferOutcome.Unmappable, queue.Offer(LiveEvents.Event("http", "10.0.0.1", "10.0.0.2", 80, proto: "XYZ")));
        Assert.Equal(LiveOfferOutcome.Unmappable, queue.Offer(LiveEvents.Raw("dns", ("src_ip", "10.0.0.53"), ("dest_ip", "10.0.0.1"), ("dns.type", "answer"))));
        var stats = queue.Snapshot();
        Assert.Equal(4, stats.Unmappable);
        Assert.Equal(1, stats.UnmappableByReason["missing_address"]);
        Assert.Equal(1, stats.UnmappableByReason["bad_address"]);
        Assert.Equal(1, stats.UnmappableByReason["bad_protocol"]);
        Assert.Equal(1, stats.UnmappableByReason["dns_answer"]);
        Assert.Equal(0, stats.Depth);
    }

    [Fact]
    public void Concurrent_offers_are_each_counted_exactly_once()
    {
        var queue = new LiveIngestQueue(new LiveIngestOptions { Capacity = 10_000, FrequencyFilterEnabled = false }, TimeProvider.System);
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 5_000; i++) queue.Offer(LiveEvents.Distinct((worker * 5_000) + i, source: $"w{worker}"));
        });
        var stats = queue.Snapshot();
        Assert.Equal(20_000, stats.Offered);
        Assert.Equal(10_000, stats.Queued);
        Assert.Equal(10_000, stats.Depth);
        Assert.Equal(10_000, stats.DroppedQueueFull);
        Assert.Equal(20_000, stats.Sources.Sum(s => s.Offered));
        Assert.Equal(10_000, queue.PeekFront(20_000).Select(e => e.Event.EventId).Distinct().Count());
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LiveIngestQueue(new LiveIngestOptions { Capacity = 0, MinNovelty = 2 }, TimeProvider.System));
        Assert.Contains("LiveIngest:Capacity", ex.Message);
        Assert.Contains("LiveIngest:MinNovelty", ex.Message);
    }
}
