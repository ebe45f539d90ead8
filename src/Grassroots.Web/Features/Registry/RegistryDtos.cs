namespace Grassroots.Web.Features.Registry;

public sealed record RegionDto(string Code, string Name, string Kind, string KindLabel, int Level, string? ParentCode, double? AreaM2);

public sealed record RegionDetailDto(string Code, string Name, string Kind, string KindLabel, int Level, string? ParentCode, double? AreaM2, bool Rural, IReadOnlyList<RegionDto> Path, int Children);

public sealed record GridRefDto(string Code, string Name, string Kind, double AreaM2, string? Owner);

public sealed record PlaceDto(string Code, string Name);

public sealed record OrgRefDto(string Code, string Name, string Kind);

public sealed record LocationDto(double Lon, double Lat, GridRefDto Grid, PlaceDto Community, PlaceDto Street, PlaceDto District, OrgRefDto? ResponsibleOrg, bool Locality);

public sealed record OrgDto(string Code, string Name, string Kind, string KindLabel, string Sector, string SectorLabel, string? ParentCode, string? RegionCode, string? GridCode, string? Unit, int MemberCount, DateOnly? FoundedOn);

public sealed record SecretaryDto(string Code, string Name, string? Phone, DateOnly? TenureStart, int TrainingHours);

public sealed record OrgDetailDto(OrgDto Org, IReadOnlyList<OrgRefDto> Path, SecretaryDto? Secretary, int Children, int Reserves);

public sealed record CompoundDto(string Code, string Name, string CommunityCode, double Lon, double Lat, int Households, string? BranchOrgCode);

public sealed record CompoundPage(IReadOnlyList<CompoundDto> Items, string? Next);

public sealed record SearchHit(string Type, string Code, string Name, string? Context);

public sealed record SearchResult(string Query, IReadOnlyList<SearchHit> Hits);

public static class RegistryMapping
{
    public static RegionDto ToDto(this Region r) => new(r.Code, r.Name, r.Kind.ToString(), r.Kind.Label(), r.Kind.Level(), r.ParentCode, r.AreaM2);

    public static OrgDto ToDto(this PartyOrg o) => new(o.Code, o.Name, o.Kind.ToString(), o.Kind.Label(), o.Sector.ToString(), o.Sector.Label(), o.ParentCode, o.RegionCode, o.GridCode, o.Unit, o.MemberCount, o.FoundedOn);

    /// <summary>Phone numbers are masked: 138****5678.</summary>
    public static string? MaskPhone(string? phone) => Common.Masking.Phone(phone);
}
