using Grassroots.Web.Features.Common;

namespace Grassroots.Web.Features.Photos;

/// <summary>Photos named on a report or a step: content hashes of photos already uploaded.</summary>
public static class PhotoRefs
{
    /// <summary>
    /// Checks the hashes ("hash;hash", ',' also accepted): at most <see cref="PhotoEndpoints.MaxFiles"/>, each in the
    /// store. Adds an error per problem and answers the hashes as stored on a step ("hash;hash"), or null when there are none.
    /// </summary>
    public static async Task<string?> CheckAsync(IPhotoStore store, string? photos, List<ProblemItem> errors, CancellationToken ct)
    {
        var hashes = (photos ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (hashes.Count > PhotoEndpoints.MaxFiles)
        {
            errors.Add(new("body", "photos", "too-many-photos", Text.Pick($"最多 {PhotoEndpoints.MaxFiles} 张照片", $"at most {PhotoEndpoints.MaxFiles} photos")));
            return null;
        }

        foreach (var hash in hashes)
        {
            if (!Photo.IsHash(hash) || !await store.ExistsAsync(hash, ct))
            {
                errors.Add(new("body", "photos", "unknown-photo", Text.Pick($"照片 {hash} 不存在，请先上传", $"no photo {hash}: upload it first")));
            }
        }

        return hashes.Count == 0 ? null : string.Join(';', hashes);
    }
}
