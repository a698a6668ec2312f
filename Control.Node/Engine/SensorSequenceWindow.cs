namespace NerfEngine.Control.Engine;

/// <summary>
/// The last N batch sequence numbers of one sensor: enough to recognise a redelivery after a
/// consumer crash (the transport redelivers unacked batches) without unbounded memory.
/// </summary>
internal sealed class SensorSequenceWindow(int capacity)
{
    private readonly HashSet<ulong> _seen = new(capacity);
    private readonly Queue<ulong> _order = new(capacity);

    /// <summary>False when the sequence was already seen within the window.</summary>
    public bool TryAdd(ulong sequence)
    {
        if (!_seen.Add(sequence)) return false;
        _order.Enqueue(sequence);
        if (_order.Count > capacity) _seen.Remove(_order.Dequeue());
        return true;
    }
}
