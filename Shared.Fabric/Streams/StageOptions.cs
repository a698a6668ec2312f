namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// The shape of one bounded <see cref="Stage{T}"/>: a name for metrics and errors, a capacity,
/// and the overflow policy, which has no default on purpose (see <see cref="OverflowPolicy"/>).
/// </summary>
/// <param name="Name">Shown in metrics and error messages, e.g. <c>"edges"</c>.</param>
/// <param name="Capacity">Items the stage buffers before its overflow policy applies; at least 1.</param>
/// <param name="Overflow">What happens when a producer writes into a full buffer.</param>
public sealed record StageOptions(string Name, int Capacity, OverflowPolicy Overflow)
{
    /// <summary>Throws when a field is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, 1);
        if (!Enum.IsDefined(Overflow))
        {
            throw new ArgumentOutOfRangeException(nameof(Overflow), Overflow, $"Stage '{Name}': unknown overflow policy.");
        }
    }
}
