namespace Grassroots.Data;

/// <summary>The region subtree the current unit of work may see; null path means unrestricted.</summary>
public interface IDataScope
{
    string? RegionPath { get; }
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
