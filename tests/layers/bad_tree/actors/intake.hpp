#pragma once
// A header of the actors room, for the bad persistence file to include.
