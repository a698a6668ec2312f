using NerfEngine.Shared.Fabric.Actors.Testing;
using static NerfEngine.Tests.SharedFabric.Actors.ActorTestKit;

namespace NerfEngine.Tests.SharedFabric.Actors;

public sealed class TestProbeTests
{
    [Fact]
    public async Task ExpectMsg_explains_a_message_of_the_wrong_type()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system, "checker");
        probe.Ref<object>().Tell("a string");

        var failure = await Assert.ThrowsAsync<TestProbeException>(() => probe.ExpectMsgAsync<int>(Expect));

        Assert.Contains("checker: expected a Int32 but received String a string", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectMsg_times_out_with_a_clear_error_and_loses_no_later_message()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);

        var failure = await Assert.ThrowsAsync<TestProbeException>(() => probe.ExpectMsgAsync<int>(TimeSpan.FromMilliseconds(20)));
        probe.Ref<int>().Tell(42);

        Assert.Contains("timeout", failure.Message, StringComparison.Ordinal);
        Assert.Equal(42, await probe.ExpectMsgAsync<int>(Expect));
    }

    [Fact]
    public async Task ExpectNoMsg_fails_when_a_message_arrives()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        probe.Ref<int>().Tell(1);

        await Assert.ThrowsAsync<TestProbeException>(() => probe.ExpectNoMsgAsync(Quiet));
    }

    [Fact]
    public async Task ReceiveN_returns_messages_in_arrival_order()
    {
        await using var system = CreateSystem();
        var probe = new TestProbe(system);
        var target = probe.Ref<int>();
        target.Tell(1);
        target.Tell(2);
        target.Tell(3);

        Assert.Equal([1, 2, 3], await probe.ReceiveNAsync<int>(3, Expect));
    }
}
