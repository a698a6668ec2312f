namespace NerfEngine.Shared.Messages.Records;

/// <summary>
/// Bytes or a record do not follow bpf/nerf_records.h (wrong length, count mismatch, bad ip
/// version). The one error type of the record boundary, so callers can count bad input instead
/// of crashing on it.
/// </summary>
public sealed class RecordFormatException : FormatException
{
    /// <summary>Creates the exception with a message that names the broken rule.</summary>
    public RecordFormatException(string message)
        : base(message)
    {
    }
}
