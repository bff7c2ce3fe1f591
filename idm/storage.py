"""Static files storage: WhiteNoise's compressed manifest storage, leaving URLs inside CSS comments alone."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Django 5.2 rewrites url(...) even inside /* comments */; jQuery UI's theme CSS has one that names no file."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            before = matchobj.string[: matchobj.start()]
            in_comment = before.rfind("/*") > before.rfind("*/")
            if in_comment and "sourceMappingURL" not in matchobj.group(0):
                return matchobj.group(0)
            return convert(matchobj)

        return converter
