namespace NerfEngine.Shared.Fabric.Actors.Testing;

/// <summary>A typed face of a <see cref="TestProbe"/>: every Tell is recorded in the probe.</summary>
internal sealed class ProbeRef<TMessage>(TestProbe probe) : IActorRef<TMessage>
{
    public string Name => probe.Name;

    public string Path => probe.Path;

    public void Tell(TMessage message) => probe.Record(message);

    public ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        probe.Record(message);
        return default;
    }

    public Task<TReply> Ask<TReply>(Func<IActorRef<TReply>, TMessage> build, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        AskPattern.AskAsync(probe.System, this, build, timeout, cancellationToken);

    public override string ToString() => Path;
}
