using NerfEngine.Control.LiveIngest;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>Novelty in [0, 1] from the edge and endpoint fingerprints seen within the window.</summary>
public sealed class NoveltyFilterTests
{
    private static readonly LiveEventMapper Mapper = new(1);
    private static readonly long T0 = LiveEvents.EventTime.UtcTicks;

    private static LiveMappedEvent Map(string src, string dst, int port)
    {
        Assert.True(Mapper.TryMap(LiveEvents.Event("flow", src, dst, port), out var mapped, out var reason), reason.ToString());
        return mapped!;
    }

    [Fact]
    public void Novelty_is_the_weighted_share_of_unseen_edge_and_endpoints()
    {
        var filter = new NoveltyFilter(new LiveIngestOptions());
        var first = Map("10.0.0.1", "10.0.0.2", 443);
        Assert.Equal(1.0, filter.Novelty(first, T0));
        filter.Remember(first, T0);

        Assert.Equal(0.0, filter.Novelty(Map("10.0.0.1", "10.0.0.2", 443), T0 + 1));     // a repeat
        Assert.Equal(0.5, filter.Novelty(Map("10.0.0.1", "10.0.0.2", 22), T0 + 1));      // new port between known hosts
        Assert.Equal(0.75, filter.Novelty(Map("10.0.0.1", "10.0.0.3", 443), T0 + 1));    // one unseen host
        Assert.Equal(1.0, filter.Novelty(Map("10.0.0.8", "10.0.0.9", 443), T0 + 1));     // all new
    }

    [Fact]
    public void What_left_the_window_is_new_again()
    {
        var options = new LiveIngestOptions();
        var filter = new NoveltyFilter(options);
        var e = Map("10.0.0.1", "10.0.0.2", 443);
        filter.Remember(e, T0);
        Assert.Equal(0.0, filter.Novelty(e, T0 + options.NoveltyWindow.Ticks - 1));
        Assert.Equal(1.0, filter.Novelty(e, T0 + options.NoveltyWindow.Ticks));
        Assert.Equal(0, filter.Tracked);
    }

    [Fact]
    public void Memory_is_bounded_and_the_oldest_is_forgotten_first()
    {
        var filter = new NoveltyFilter(new LiveIngestOptions { MaxFingerprints = 3 });
        var old = Map("10.0.0.1", "10.0.0.2", 443);
        var recent = Map("10.0.0.3", "10.0.0.4", 443);
        filter.Remember(old, T0);
        filter.Remember(recent, T0 + 1);
        Assert.Equal(3, filter.Tracked);
        Assert.Equal(1.0, filter.Novelty(old, T0 + 2));
        Assert.Equal(0.0, filter.Novelty(recent, T0 + 2));
    }
}
