namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>One named traffic scenario of the labelled corpus.</summary>
public interface IScenario
{
    /// <summary>Name used by <c>Control.Node synth --scenario</c>.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>True when nothing in it should reach alert tier.</summary>
    bool Benign { get; }

    /// <summary>Adds the scenario's packets (and, for attacks, its ground truth) to the context.</summary>
    void Generate(ScenarioContext ctx);
}
