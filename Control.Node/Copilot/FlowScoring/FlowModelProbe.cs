using NerfEngine.Control.Copilot.Ollama;

namespace NerfEngine.Control.Copilot.FlowScoring;

/// <summary>What the Ollama daemon says about the flow-scoring model right now.</summary>
/// <param name="Model">Configured model name.</param>
/// <param name="Endpoint">Daemon base URL.</param>
/// <param name="Reachable">The daemon answered /api/tags.</param>
/// <param name="Pulled">The model is among the pulled models (/api/tags).</param>
/// <param name="Loaded">The model is in memory now (/api/ps); false also when that could not be asked.</param>
/// <param name="LoadedModels">Every model in memory.</param>
/// <param name="Error">Why the model cannot answer now ("model unavailable: …"), or null.</param>
public sealed record FlowModelState(string Model, string Endpoint, bool Reachable, bool Pulled, bool Loaded, IReadOnlyList<OllamaLoadedModel> LoadedModels, string? Error);

/// <summary>
/// Asks the daemon about the flow-scoring model (get_tak_ml_status): <c>/api/tags</c> for pulled models, then
/// <c>/api/ps</c> for loaded ones. Never throws for an unavailable daemon: the state says so.
/// </summary>
public sealed class FlowModelProbe(OllamaClient client)
{
    /// <summary>The model's state now.</summary>
    public async Task<FlowModelState> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var tags = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!tags.Reachable)
        {
            return new FlowModelState(client.Model, tags.BaseUrl, false, false, false, [], tags.Error);
        }

        try
        {
            var loaded = await client.GetLoadedModelsAsync(cancellationToken).ConfigureAwait(false);
            return new FlowModelState(client.Model, tags.BaseUrl, true, tags.ModelPresent, loaded.Any(m => client.IsConfiguredModel(m.Name)), loaded, tags.Error);
        }
        catch (ModelUnavailableException ex)
        {
            return new FlowModelState(client.Model, tags.BaseUrl, true, tags.ModelPresent, false, [], tags.Error ?? ex.Message);
        }
    }
}
