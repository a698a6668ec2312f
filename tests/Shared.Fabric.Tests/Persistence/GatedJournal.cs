using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>A journal whose appends wait at a gate the test opens, to hold a persist in flight.</summary>
public sealed class GatedJournal(IEventJournal inner) : IEventJournal
{
    private volatile TaskCompletionSource _gate = Open();

    /// <summary>Completes when an append reaches the gate.</summary>
    public TaskCompletionSource AppendStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Close()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AppendStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _gate.TrySetResult();

    public async Task<AppendResult> AppendAsync(string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default)
    {
        AppendStarted.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return await inner.AppendAsync(persistenceId, expectedSequenceNr, events, cancellationToken);
    }

    public IAsyncEnumerable<JournalEvent> ReadEventsAsync(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        inner.ReadEventsAsync(persistenceId, fromSequenceNr, toSequenceNr, includeDeleted, cancellationToken);

    public IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        inner.ReadAllEventsAsync(afterOrdering, limit, includeDeleted, cancellationToken);

    public IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        inner.ReadEventsByTagAsync(tag, afterOrdering, limit, cancellationToken);

    public Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default) => inner.CurrentPersistenceIdsAsync(cancellationToken);

    public Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => inner.HighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => inner.DeleteToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
