using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Grassroots.Web.Features.Photos;

/// <summary>
/// Who uploaded a photo and when; the photo itself lives in the <see cref="IPhotoStore"/> under its hash.
/// The same photo uploaded twice is one file and two rows: each uploader may read back what they sent.
/// </summary>
public sealed class PhotoUpload
{
    public long Id { get; set; }
    public required string Hash { get; set; }

    /// <summary>The account's user name, "apikey:…" for a machine client, or <see cref="Resident"/>.</summary>
    public required string UploadedBy { get; set; }
    public DateTime UploadedAt { get; set; }
    public required string MediaType { get; set; }
    public long Bytes { get; set; }

    /// <summary>Where the camera says the photo was taken; for staff only.</summary>
    public double? Lon { get; set; }
    public double? Lat { get; set; }

    public const string Resident = "(resident)";
}

internal sealed class PhotoUploadConfiguration : IEntityTypeConfiguration<PhotoUpload>
{
    public void Configure(EntityTypeBuilder<PhotoUpload> b)
    {
        b.ToTable("photo_uploads");
        b.HasKey(p => p.Id);
        b.Property(p => p.Hash).HasMaxLength(64);
        b.Property(p => p.UploadedBy).HasMaxLength(100);
        b.Property(p => p.MediaType).HasMaxLength(20);
        b.HasIndex(p => new { p.Hash, p.UploadedBy });
    }
}
