namespace Grassroots.Data;

/// <summary>
/// The part of the tree the current unit of work may see: a region subtree, and for a grid worker
/// their grids, for a handling unit's staff their unit. Null means not restricted on that axis.
/// </summary>
public interface IDataScope
{
    string? RegionPath { get; }

    IReadOnlyList<string>? Grids => null;

    string? Unit => null;
}

/// <summary>A record that lies in one region: visible when its region path is inside the scope.</summary>
public interface IRegionScoped
{
    string? RegionPath { get; }
}

/// <summary>A node of the region tree: visible inside the scope and above it, since an ancestor's name is no secret.</summary>
public interface IRegionNode
{
    string Path { get; }
}

/// <summary>A record that serves a region (a party organisation): visible inside the scope and above it.</summary>
public interface IServesRegion
{
    string? RegionPath { get; }
}

/// <summary>Work that lies in a grid and is owned by a unit: a grid worker sees their grids' work, a unit's staff their unit's.</summary>
public interface IGridAndUnitScoped : IRegionScoped
{
    string GridCode { get; }

    string? UnitCode { get; }

    /// <summary>Units working on the record beside its owner (会办), written "|A|B|": they see it too.</summary>
    string? CooperatingUnits { get; }
}

/// <summary>Rows that are written once and never changed or removed (workflow steps, the audit trail).</summary>
public interface IAppendOnly;
