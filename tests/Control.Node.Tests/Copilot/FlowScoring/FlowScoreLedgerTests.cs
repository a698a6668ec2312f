using NerfEngine.Control.Copilot.FlowScoring;
using NerfEngine.Control.Detection.Graph;

namespace NerfEngine.Tests.ControlNode.Copilot.FlowScoring;

public sealed class FlowScoreLedgerTests
{
    private static FlowScore Score(double value) => new(value, "suspicious", "r", "m", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(5));

    private static HyperEdgeKey Key(ulong n) => new(n, n + 1, n + 2);

    [Fact]
    public void The_latest_score_of_an_edge_replaces_the_earlier_one()
    {
        var ledger = new FlowScoreLedger(4);

        Assert.Null(ledger.Record(Key(1), 100, Score(0.2)));
        var previous = ledger.Record(Key(1), 100, Score(0.7));

        Assert.Equal(0.2, previous!.Score);
        Assert.True(ledger.TryGet(Key(1), 100, out var latest));
        Assert.Equal(0.7, latest.Score);
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void Past_capacity_the_least_recently_scored_edge_is_evicted_and_counted()
    {
        var ledger = new FlowScoreLedger(2);
        ledger.Record(Key(1), 1, Score(0.1));
        ledger.Record(Key(2), 1, Score(0.2));
        ledger.Record(Key(1), 1, Score(0.3)); // edge 1 is now the most recent
        ledger.Record(Key(3), 1, Score(0.4));

        Assert.Equal(2, ledger.Count);
        Assert.Equal(1, ledger.Evicted);
        Assert.False(ledger.TryGet(Key(2), 1, out _));
        Assert.True(ledger.TryGet(Key(1), 1, out _));
        Assert.True(ledger.TryGet(Key(3), 1, out _));
    }

    [Fact]
    public void An_edge_seen_again_after_pruning_does_not_inherit_the_old_score()
    {
        var ledger = new FlowScoreLedger(2);
        ledger.Record(Key(1), edgeFirstSeenNs: 100, Score(0.9));

        Assert.False(ledger.TryGet(Key(1), edgeFirstSeenNs: 500, out _));
        Assert.Null(ledger.Record(Key(1), 500, Score(0.1)));
    }
}
