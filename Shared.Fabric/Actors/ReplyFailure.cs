namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Akka's <c>Status.Failure</c> for typed replies: an actor that cannot answer an ask fails it with an exception,
/// which the asker's task throws, instead of leaving it to time out.
/// </summary>
public static class ReplyFailure
{
    /// <summary>
    /// Fails the ask waiting on <paramref name="replyTo"/> with <paramref name="reason"/>. Returns false, sending nothing,
    /// when <paramref name="replyTo"/> is not an ask's reply address (an actor or a test probe, whose protocol has no
    /// failure message) or the ask has already completed.
    /// </summary>
    public static bool TryFailAsk<TReply>(this IActorRef<TReply> replyTo, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(replyTo);
        return replyTo is IFailableReply promise && promise.TryFail(reason);
    }
}

/// <summary>A reply address that can carry a failure instead of a reply: an ask's promise.</summary>
internal interface IFailableReply
{
    /// <summary>Completes the ask with <paramref name="reason"/>; false when it had already completed.</summary>
    bool TryFail(Exception reason);
}
