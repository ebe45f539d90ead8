using Grassroots.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Accounts;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.ToTable("accounts");
        b.Property(a => a.DisplayName).HasMaxLength(50);
        b.Property(a => a.RegionCode).HasMaxLength(12);
        b.Property(a => a.ScopePath).HasMaxLength(64);
        b.Property(a => a.OrgCode).HasMaxLength(32);
        b.Property(a => a.UnitCode).HasMaxLength(32);
        b.Property(a => a.GridCodes).HasMaxLength(400);
        b.HasIndex(a => a.ScopePath);
    }
}

internal sealed class RoleTables :
    IEntityTypeConfiguration<IdentityRole>,
    IEntityTypeConfiguration<IdentityUserRole<string>>,
    IEntityTypeConfiguration<IdentityUserClaim<string>>,
    IEntityTypeConfiguration<IdentityUserLogin<string>>,
    IEntityTypeConfiguration<IdentityUserToken<string>>,
    IEntityTypeConfiguration<IdentityRoleClaim<string>>
{
    public void Configure(EntityTypeBuilder<IdentityRole> b) => b.ToTable("roles");

    public void Configure(EntityTypeBuilder<IdentityUserRole<string>> b) => b.ToTable("account_roles");

    public void Configure(EntityTypeBuilder<IdentityUserClaim<string>> b) => b.ToTable("account_claims");

    public void Configure(EntityTypeBuilder<IdentityUserLogin<string>> b) => b.ToTable("account_logins");

    public void Configure(EntityTypeBuilder<IdentityUserToken<string>> b) => b.ToTable("account_tokens");

    public void Configure(EntityTypeBuilder<IdentityRoleClaim<string>> b) => b.ToTable("role_claims");
}
