namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>One ingress host shared by a test class (tests use distinct event ids, so they do not see each other's events).</summary>
public sealed class EveStreamerHostFixture : IAsyncLifetime
{
    private EveStreamerTestHost? _host;

    internal EveStreamerTestHost Host => _host ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync() => _host = await EveStreamerTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
