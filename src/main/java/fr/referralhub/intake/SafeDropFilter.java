package fr.referralhub.intake;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.springframework.stereotype.Component;

/**
 * The {@code filter} of {@code training-body-file-intake}'s file consumer: it takes regular files with a drop's name
 * ({@link DropNames#isDrop}) and never follows a symbolic link, to a file or to a folder (a link to
 * {@code /etc/shadow.csv} would otherwise be read as the partner's rows, and a {@code done} link would send processed
 * files out of the drop folders). What it leaves is refused with a report by {@link UnsafeDropSweep}, not ignored.
 */
@Component("trainingBodyDropFilter")
public class SafeDropFilter implements GenericFileFilter<File> {

    @Override
    public boolean accept(GenericFile<File> file) {
        Path path = file.getFile().toPath();
        if (Files.isSymbolicLink(path)) {
            return false;
        }
        if (file.isDirectory()) {
            // The partners' folders, under the drops root.
            return true;
        }
        Path folder = path.toAbsolutePath().getParent();
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && DropNames.isDrop(path.getFileName().toString())
                // Where the file will be moved must be the folder's own (the sweep clears a link there first).
                && !Files.isSymbolicLink(folder.resolve(TrainingBodyFileDrops.DONE))
                && !Files.isSymbolicLink(folder.resolve(TrainingBodyFileDrops.ERROR));
    }
}
