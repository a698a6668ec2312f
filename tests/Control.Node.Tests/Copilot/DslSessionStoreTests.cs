using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class DslSessionStoreTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_session_keeps_its_state_between_leases_of_its_owner_only()
    {
        var store = new DslSessionStore(4, TimeSpan.FromMinutes(15), _time);
        string id;
        using (var lease = await store.AcquireAsync("analyst", null))
        {
            Assert.True(lease.Created);
            lease.Session.Evidence["fanin"] = 12;
            id = lease.Id;
        }

        using (var again = await store.AcquireAsync("analyst", id))
        {
            Assert.False(again.Created);
            Assert.Equal(12, again.Session.Evidence["fanin"]);
        }

        var other = await Assert.ThrowsAsync<DslSessionException>(() => store.AcquireAsync("someone-else", id));
        Assert.Equal(DslSessionRefusal.NotFound, other.Refusal);
    }

    [Fact]
    public async Task An_idle_session_expires_but_one_in_use_does_not()
    {
        var store = new DslSessionStore(4, TimeSpan.FromMinutes(15), _time);
        string idle, busy;
        using (var l = await store.AcquireAsync("a", null)) idle = l.Id;
        var held = await store.AcquireAsync("a", null);
        busy = held.Id;

        _time.Advance(TimeSpan.FromMinutes(16));
        var expired = await Assert.ThrowsAsync<DslSessionException>(() => store.AcquireAsync("a", idle));

        Assert.Contains("expired after 15 min unused", expired.Message);
        Assert.Equal(1, store.Expired);
        held.Dispose();
        using var stillThere = await store.AcquireAsync("a", busy);
        Assert.Equal(busy, stillThere.Id);
    }

    [Fact]
    public async Task A_full_store_refuses_new_sessions_until_one_is_closed()
    {
        var store = new DslSessionStore(2, TimeSpan.FromMinutes(15), _time);
        using (await store.AcquireAsync("a", null)) { }
        string second;
        using (var l = await store.AcquireAsync("a", null)) second = l.Id;

        var full = await Assert.ThrowsAsync<DslSessionException>(() => store.AcquireAsync("b", null));
        Assert.Equal(DslSessionRefusal.Full, full.Refusal);

        using (var l = await store.AcquireAsync("a", second)) l.CloseOnRelease = true;
        using var third = await store.AcquireAsync("b", null);
        Assert.True(third.Created);
        Assert.Equal((2, 3L, 1L), (store.Count, store.Created, store.Closed));
    }

    [Fact]
    public async Task Two_calls_on_one_session_run_one_after_the_other()
    {
        var store = new DslSessionStore(2, TimeSpan.FromMinutes(15), _time);
        var first = await store.AcquireAsync("a", null);
        var second = store.AcquireAsync("a", first.Id);

        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        first.Dispose();
        using var lease = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(first.Id, lease.Id);
    }
}
