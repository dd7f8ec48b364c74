package sharefs.sharing;

import java.util.List;

public record Project(long id, String name, List<String> members) {
}
