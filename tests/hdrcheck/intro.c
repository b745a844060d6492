/* common/intro.h must compile on its own: it is the first and only include. */
#include "common/intro.h"
