namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Entry point for building <see cref="Props{TMessage}"/> with the message type inferred from the actor.</summary>
public static class Props
{
    /// <summary>
    /// Props whose factory builds a fresh actor per incarnation (first start and every restart):
    /// <c>Props.Create(() => new FlowTrackerActor(options))</c>.
    /// </summary>
    public static Props<TMessage> Create<TMessage>(Func<Actor<TMessage>> factory) => new(factory);
}

/// <summary>
/// Immutable recipe for an actor: how to create it, its mailbox, and how it supervises its own children.
/// </summary>
/// <typeparam name="TMessage">The protocol of the actor.</typeparam>
public sealed record Props<TMessage>
{
    /// <summary>Creates props from a factory that returns a new instance on every call.</summary>
    public Props(Func<Actor<TMessage>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
    }

    /// <summary>Builds a fresh instance; called on the actor's loop for each incarnation.</summary>
    public Func<Actor<TMessage>> Factory { get; }

    /// <summary>The mailbox of the actor. Default: unbounded.</summary>
    public MailboxOptions Mailbox { get; init; } = MailboxOptions.Unbounded;

    /// <summary>
    /// The strategy this actor applies to its children when they fail (as in Akka, supervision belongs to
    /// the parent). Null means <see cref="ActorSystemOptions.DefaultSupervisorStrategy"/>.
    /// </summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    /// <summary>Copy with another mailbox.</summary>
    public Props<TMessage> WithMailbox(MailboxOptions mailbox) => this with { Mailbox = mailbox };

    /// <summary>Copy with another strategy for this actor's children.</summary>
    public Props<TMessage> WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };
}
