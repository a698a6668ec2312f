namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>A message that could not be delivered, published to the system's dead-letter observers.</summary>
/// <param name="Message">The undeliverable message (boxed; dead letters are the cold path).</param>
/// <param name="Recipient">Who it was for.</param>
/// <param name="Reason">Why it was not delivered.</param>
public sealed record DeadLetter(object? Message, IActorRef Recipient, DeadLetterReason Reason);

/// <summary>Why a message became a dead letter.</summary>
public enum DeadLetterReason
{
    /// <summary>The recipient had stopped (or was stopping) before the message was processed, or an ask had already completed.</summary>
    RecipientStopped,

    /// <summary>A bounded mailbox was full and the sender used Tell, which never waits.</summary>
    MailboxFull,
}
