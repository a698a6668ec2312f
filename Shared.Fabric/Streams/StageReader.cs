using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// The consumer's side of a <see cref="Stage{T}"/>: a pass-through <see cref="ChannelReader{T}"/>
/// that counts every item it hands out as emitted. All reads funnel through <see cref="TryRead"/>
/// (the base class builds <c>ReadAsync</c> and <c>ReadAllAsync</c> on it), so nothing escapes
/// the count.
/// </summary>
internal sealed class StageReader<T>(ChannelReader<T> inner, StageMetrics metrics) : ChannelReader<T>
{
    public override Task Completion => inner.Completion;

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool CanPeek => inner.CanPeek;

    public override bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (inner.TryRead(out item))
        {
            metrics.RecordEmitted();
            return true;
        }

        return false;
    }

    public override bool TryPeek([MaybeNullWhen(false)] out T item) => inner.TryPeek(out item);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        inner.WaitToReadAsync(cancellationToken);
}
