namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Death-watch notification: <paramref name="Actor"/> has stopped, for whatever reason, and will process nothing more.</summary>
public sealed record Terminated(IActorRef Actor);
