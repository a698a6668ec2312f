using System.Collections.Concurrent;
using System.Diagnostics;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Wire;

namespace NerfEngine.Tests.SensorNode.Publishing;

/// <summary>
/// A transport publisher whose behaviour a test scripts: confirm at once, hold every publish until
/// released, reject, or throw. Records what it was given, decoded.
/// </summary>
public sealed class ScriptedPublisher(int partitionCount = 1) : IEdgeBatchPublisher
{
    private readonly EdgePartitioner _partitioner = new(partitionCount);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _received = new(0);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<(ulong Key, EdgeBatch Batch)> Published { get; } = new();

    /// <summary>When each publish started, since the publisher was made (same order as <see cref="Published"/>).</summary>
    public ConcurrentQueue<TimeSpan> PublishedAt { get; } = new();

    /// <summary>Publishes wait until <see cref="Release"/>.</summary>
    public bool Hold { get; init; }

    /// <summary>Publishes are refused with this reason.</summary>
    public PublishDropReason RejectWith { get; init; }

    /// <summary>Publishes throw this (once each).</summary>
    public Func<EdgeBatch, Exception?>? Fault { get; init; }

    public int PartitionCount => _partitioner.PartitionCount;

    public int GetPartition(ulong partitionKey) => _partitioner.GetPartition(partitionKey);

    public void Release() => _release.TrySetResult();

    /// <summary>Waits until <paramref name="count"/> publishes have started.</summary>
    public async Task WaitForPublishesAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(await _received.WaitAsync(TimeSpan.FromSeconds(10)), "publish did not arrive");
        }
    }

    public async ValueTask<PublishResult> PublishAsync(ulong partitionKey, EdgeBatchMessage message, CancellationToken cancellationToken = default)
    {
        EdgeBatch batch = EdgeBatch.Parser.ParseFrom(message.Payload.Span);
        PublishedAt.Enqueue(_clock.Elapsed);
        Published.Enqueue((partitionKey, batch));
        _received.Release();
        if (Fault?.Invoke(batch) is { } fault)
        {
            throw fault;
        }

        if (Hold)
        {
            await _release.Task.WaitAsync(cancellationToken);
        }

        return RejectWith == PublishDropReason.None ? PublishResult.Confirmed : PublishResult.Dropped(RejectWith, "scripted");
    }
}
