using System.Security.Cryptography;

namespace NerfEngine.Shared.Fabric.Persistence.Verification;

/// <summary>
/// Checks one persistence id's rows, fed in sequence order, against the hash chain. Pure logic so it can be
/// tested without a database; <see cref="JournalVerifier"/> drives it.
/// </summary>
public sealed class HashChainCheck
{
    private readonly string _persistenceId;

    /// <summary>Hash of the last accepted row; the zero hash before sequence 1.</summary>
    private byte[] _lastHash = EventHash.NewZero();

    /// <summary>Sequence number of the last accepted row; 0 before the first.</summary>
    private long _lastSequenceNr;

    /// <summary>Global ordering of the last accepted row; appends of one id only ever move forward in it.</summary>
    private long _lastOrdering;

    public HashChainCheck(string persistenceId) => _persistenceId = persistenceId;

    /// <summary>Rows accepted so far.</summary>
    public long Checked { get; private set; }

    /// <summary>Checks the next row; returns the problem, or null and advances.</summary>
    public JournalVerificationResult? Next(JournalEvent row)
    {
        var expected = _lastSequenceNr + 1;
        if (row.SequenceNr > expected)
        {
            var last = row.SequenceNr - 1;
            var range = last == expected ? $"{expected}" : $"{expected}..{last}";
            return Problem(JournalProblemKind.MissingEvent, expected, row,
                $"Missing event(s) {range} of '{_persistenceId}': sequence {row.SequenceNr} follows {_lastSequenceNr}.");
        }

        if (row.SequenceNr < expected)
        {
            return Problem(JournalProblemKind.ReorderedEvent, row.SequenceNr, row,
                $"Sequence {row.SequenceNr} of '{_persistenceId}' appears again after {_lastSequenceNr}.");
        }

        if (!row.PrevHash.Span.SequenceEqual(_lastHash))
        {
            return Problem(JournalProblemKind.ReorderedEvent, row.SequenceNr, row,
                $"Event {row.SequenceNr} of '{_persistenceId}' does not link to event {_lastSequenceNr}: its prev_hash differs from that event's hash "
                + "(events swapped or reordered, or a predecessor re-hashed).");
        }

        if (row.GlobalOrdering <= _lastOrdering)
        {
            return Problem(JournalProblemKind.ReorderedEvent, row.SequenceNr, row,
                $"Event {row.SequenceNr} of '{_persistenceId}' has global ordering {row.GlobalOrdering}, not after event {_lastSequenceNr}'s {_lastOrdering}.");
        }

        Span<byte> actual = stackalloc byte[EventHash.Size];
        EventHash.Compute(row.PrevHash.Span, row.PersistenceId, row.SequenceNr, row.Manifest, row.Payload.Span, actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, row.Hash.Span))
        {
            return Problem(JournalProblemKind.AlteredEvent, row.SequenceNr, row,
                $"Event {row.SequenceNr} of '{_persistenceId}' was altered: its content no longer matches its stored hash.");
        }

        _lastHash = row.Hash.ToArray();
        _lastSequenceNr = row.SequenceNr;
        _lastOrdering = row.GlobalOrdering;
        Checked++;
        return null;
    }

    private JournalVerificationResult Problem(JournalProblemKind kind, long sequenceNr, JournalEvent row, string message) =>
        new(kind, _persistenceId, sequenceNr, row.GlobalOrdering, message, Checked);
}
