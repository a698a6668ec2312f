using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NerfEngine.Shared.Fabric.Streams;

namespace NerfEngine.Tests.SharedFabric.Streams;

public sealed class KillSwitchTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Shutdown_completes_a_stream_waiting_on_its_source_gracefully()
    {
        var killSwitch = new KillSwitch("sensor-eth0");
        var received = new List<int>();
        var firstItem = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task consumer = Task.Run(async () =>
        {
            await foreach (int item in Endless().Via(killSwitch))
            {
                received.Add(item);
                firstItem.TrySetResult();
            }
        });

        await firstItem.Task.WaitAsync(SafetyNet);
        Assert.True(killSwitch.Shutdown());

        await consumer.WaitAsync(SafetyNet); // ends without an exception
        Assert.Equal(KillSwitchState.Shutdown, killSwitch.State);
        Assert.Null(killSwitch.AbortReason);
        Assert.Equal(Enumerable.Range(0, received.Count), received);
    }

    [Fact]
    public async Task Abort_fails_the_stream_with_the_reason()
    {
        var killSwitch = new KillSwitch("sensor-eth0");
        var reason = new InvalidOperationException("interface went away");
        var firstItem = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task consumer = Task.Run(async () =>
        {
            await foreach (int item in Endless().Via(killSwitch))
            {
                firstItem.TrySetResult();
            }
        });

        await firstItem.Task.WaitAsync(SafetyNet);
        Assert.True(killSwitch.Abort(reason));

        var error = await Assert.ThrowsAsync<KillSwitchAbortedException>(() => consumer.WaitAsync(SafetyNet));
        Assert.Same(reason, error.InnerException);
        Assert.Equal("sensor-eth0", error.KillSwitchName);
        Assert.Equal(KillSwitchState.Aborted, killSwitch.State);
    }

    [Fact]
    public async Task One_switch_stops_every_stream_and_stage_it_is_shared_with()
    {
        var killSwitch = new KillSwitch("pipeline");
        var stageA = new Stage<int>(new StageOptions("a", 8, OverflowPolicy.Backpressure));
        var stageB = new Stage<int>(new StageOptions("b", 8, OverflowPolicy.Backpressure));
        killSwitch.Attach(stageA);
        killSwitch.Attach(stageB);
        stageA.TryWrite(1);
        stageB.TryWrite(2);
        Task streamC = ConsumeAsync(Endless().Via(killSwitch));

        killSwitch.Shutdown();

        // Graceful: buffered items still reach the consumer, then each stage ends.
        Assert.Equal([1], await ReadAllAsync(stageA));
        Assert.Equal([2], await ReadAllAsync(stageB));
        Assert.False(stageA.TryWrite(3));
        await streamC.WaitAsync(SafetyNet);
    }

    [Fact]
    public async Task Abort_of_a_shared_switch_fails_attached_stages_and_counts_their_buffer_as_dropped()
    {
        var killSwitch = new KillSwitch("pipeline");
        var stage = new Stage<int>(new StageOptions("edges", 8, OverflowPolicy.Backpressure));
        killSwitch.Attach(stage);
        stage.TryWrite(1);
        stage.TryWrite(2);

        killSwitch.Abort(new TimeoutException("detector unreachable"));

        var error = await Assert.ThrowsAsync<KillSwitchAbortedException>(() => ReadAllAsync(stage));
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(new StageMetricsSnapshot(Accepted: 2, Emitted: 0, Dropped: 2), stage.Metrics.Snapshot());
    }

    [Fact]
    public async Task The_first_trigger_wins_and_late_attachments_see_it_at_once()
    {
        var killSwitch = new KillSwitch("pipeline");
        Assert.True(killSwitch.Shutdown());
        Assert.False(killSwitch.Abort(new InvalidOperationException("too late")));
        Assert.Equal(KillSwitchState.Shutdown, killSwitch.State);

        var lateStage = new Stage<int>(new StageOptions("late", 1, OverflowPolicy.Backpressure));
        killSwitch.Attach(lateStage);
        await lateStage.Completion.WaitAsync(SafetyNet);
        Assert.Empty(await ToListAsync(AsyncEnumerable.Range(0, 3).Via(killSwitch)));
    }

    [Fact]
    public void A_detached_stage_is_left_alone_by_the_switch()
    {
        var killSwitch = new KillSwitch("pipeline");
        var stage = new Stage<int>(new StageOptions("short-lived", 1, OverflowPolicy.Backpressure));
        CancellationTokenRegistration attachment = killSwitch.Attach(stage);

        attachment.Dispose();
        killSwitch.Abort(new InvalidOperationException("stop"));

        Assert.True(stage.TryWrite(1));
        Assert.False(stage.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_switch_left_alone_passes_every_item_through()
    {
        var killSwitch = new KillSwitch("pipeline");
        Assert.Equal([0, 1, 2, 3, 4], await ToListAsync(AsyncEnumerable.Range(0, 5).Via(killSwitch)));
        Assert.Equal(KillSwitchState.Running, killSwitch.State);
    }

    private static async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; ; i++)
        {
            yield return i;
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    private static async Task ConsumeAsync(IAsyncEnumerable<int> stream)
    {
        await foreach (int item in stream)
        {
            _ = item;
        }
    }

    private static async Task<List<int>> ToListAsync(IAsyncEnumerable<int> stream)
    {
        var items = new List<int>();
        await foreach (int item in stream.WithCancellation(new CancellationTokenSource(SafetyNet).Token))
        {
            items.Add(item);
        }

        return items;
    }

    private static Task<List<int>> ReadAllAsync(Stage<int> stage) => ToListAsync(stage.Reader.ReadAllAsync());
}
