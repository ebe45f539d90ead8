namespace Grassroots.Web.Features.Photos;

/// <summary>Where photos are kept, by content hash; object storage can implement it later.</summary>
public interface IPhotoStore
{
    /// <summary>Stores the bytes under their hash (once: the same photo twice is one file).</summary>
    Task SaveAsync(PhotoInfo photo, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);

    Task<byte[]?> ReadAsync(string hash, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default);
}

public sealed class PhotoOptions
{
    /// <summary>The folder photos are kept in; relative to the content root.</summary>
    public string Folder { get; set; } = "App_Data/photos";

    public long MaxBytes { get; set; } = Photo.DefaultMaxBytes;
}

/// <summary>Photos as files in the data folder: photos/ab/abcdef…, written to a temporary name first and then moved.</summary>
public sealed class FilePhotoStore(string folder) : IPhotoStore
{
    private string PathOf(string hash) =>
        Photo.IsHash(hash)
            ? Path.Combine(folder, hash[..2], hash)
            : throw new ArgumentException("Not a photo hash.", nameof(hash));

    public async Task SaveAsync(PhotoInfo photo, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var path = PathOf(photo.Hash);
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
        {
            await file.WriteAsync(bytes, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(Photo.IsHash(hash) && File.Exists(PathOf(hash)));

    public async Task<byte[]?> ReadAsync(string hash, CancellationToken cancellationToken = default)
    {
        var path = PathOf(hash);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }
}
